import AgentRetry

/// The PSP's own record of what happened, read page by page with safe GETs: every PaymentIntent
/// (the list, oldest page last), the succeeded ones (the Search API), and a PaymentIntent's refunds.
struct StripeObjects: Sendable, CustomReflectable {
    let client: IdempotentClient
    let baseURL: String
    let apiKey: String

    /// Pages read at most per listing: 100 objects each.
    static let maximumPages = 10_000

    var customMirror: Mirror { Mirror(self, children: ["baseURL": self.baseURL, "apiKey": "redacted"]) }

    /// Every PaymentIntent, newest first (`GET /v1/payment_intents`, `starting_after`).
    func allPaymentIntents() async throws(ReconcileError) -> [StripePaymentIntent] {
        try await self.listAll("/v1/payment_intents?limit=100").compactMap { StripePaymentIntent($0.serialized()) }
    }

    /// Every succeeded PaymentIntent, newest first (`GET /v1/payment_intents/search`,
    /// `query=status:'succeeded'`, `page`/`next_page`): whoever created them, with whatever key.
    func succeededPaymentIntents() async throws(ReconcileError) -> [StripePaymentIntent] {
        let query = StripeCheckout.encode("status:'succeeded'")
        var objects: [JSONValue] = []
        var page: String?
        for _ in 0..<Self.maximumPages {
            var path = "/v1/payment_intents/search?limit=100&query=\(query)"
            if let page { path += "&page=\(StripeCheckout.encode(page))" }
            let json = try await self.page(path)
            objects += json["data"]?.arrayValue ?? []
            guard json["has_more"] == true, let next = json["next_page"]?.stringValue else { break }
            page = next
        }
        return objects.compactMap { StripePaymentIntent($0.serialized()) }
    }

    /// The refunds of `paymentIntent`, newest first (`GET /v1/refunds?payment_intent=`).
    func refunds(of paymentIntent: String) async throws(ReconcileError) -> [JSONValue] {
        try await self.listAll("/v1/refunds?limit=100&payment_intent=\(StripeCheckout.encode(paymentIntent))")
    }

    /// Every object of a Stripe list, following `has_more` with `starting_after`.
    private func listAll(_ path: String) async throws(ReconcileError) -> [JSONValue] {
        var objects: [JSONValue] = []
        var after: String?
        for _ in 0..<Self.maximumPages {
            let json = try await self.page(path + (after.map { "&starting_after=\(StripeCheckout.encode($0))" } ?? ""))
            let data = json["data"]?.arrayValue ?? []
            objects += data
            guard json["has_more"] == true, let last = data.last?["id"]?.stringValue else { break }
            after = last
        }
        return objects
    }

    /// One page, a 200 with a `data` array.
    private func page(_ path: String) async throws(ReconcileError) -> JSONValue {
        let response: HTTPResponse
        do {
            response = try await SafeRead(client: self.client).get(
                self.baseURL + path,
                headers: ["Authorization": "Bearer \(self.apiKey)", "Accept": "application/json"]
            )
        } catch {
            throw ReconcileError(code: .psp, message: "reading the PSP failed: \(error.message)", underlying: error)
        }
        guard response.status == 200, let json = try? JSONValue(parsing: response.body), json["data"]?.arrayValue != nil
        else {
            let message = StripeCheckout.errorMessage(response.body).map { ": \($0)" } ?? ""
            throw ReconcileError(
                code: .psp,
                message: "GET \(path.split(separator: "?").first ?? "") answered \(response.status)\(message)"
            )
        }
        return json
    }
}
