import AgentRetry

extension StripeRefund {
    /// The refund task `taskID` made, found by listing `paymentIntent`'s refunds (newest first, up to
    /// 1,000) and matching `metadata[task_id]` and the amount: how a refund whose key replays a saved
    /// 5xx, or whose key Stripe may have forgotten, is settled without sending it again. `nil` when
    /// there is none; a failed read throws, which leaves the refund pending.
    func find(taskID: String, paymentIntent: String, amount: Int) async throws -> HTTPResponse? {
        var after: String?
        for _ in 0..<10 {
            var query = "payment_intent=\(StripeCheckout.encode(paymentIntent))&limit=100"
            if let after { query += "&starting_after=\(StripeCheckout.encode(after))" }
            let response = try await SafeRead(client: self.client).get(
                "\(self.baseURL)/v1/refunds?\(query)",
                headers: ["Authorization": "Bearer \(self.apiKey)", "Accept": "application/json"]
            )
            guard response.status == 200, let page = try? JSONValue(parsing: response.body),
                let data = page["data"]?.arrayValue
            else {
                if response.status == 404 { return nil }
                throw StripeRefundError(
                    code: .psp,
                    message: "listing the refunds of \(paymentIntent) answered \(response.status)",
                    status: response.status
                )
            }
            if let found = data.first(where: {
                $0["metadata"]?["task_id"]?.stringValue == taskID && $0["amount"]?.numberValue == Double(amount)
            }) {
                return HTTPResponse(
                    status: 200,
                    headers: ["Content-Type": "application/json"],
                    body: found.serialized(),
                    wireSends: 0
                )
            }
            guard page["has_more"] == true, let last = data.last?["id"]?.stringValue else { return nil }
            after = last
        }
        return nil
    }
}
