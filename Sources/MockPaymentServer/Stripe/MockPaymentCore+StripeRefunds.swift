import AgentRetry
import Synchronization

extension MockPaymentCore {
    /// `GET /v1/refunds`: newest first, `limit` 1 to 100 (default 10), `starting_after`, and the
    /// `payment_intent` filter, as Stripe lists refunds.
    func listRefunds(_ request: MockRequest) -> MockResponse {
        let limitText = request.query["limit"] ?? "10"
        guard let limit = Int(limitText), (1...100).contains(limit) else {
            return RouteFamily.stripe.error(
                400,
                code: "parameter_invalid_integer",
                message: "Invalid integer: limit must be between 1 and 100.",
                param: "limit"
            )
        }
        let intentID = request.query["payment_intent"]
        return self.state.withLock { state in
            var ids = state.refundOrder.reversed().filter { id in
                intentID.map { state.refunds[id]?["payment_intent"]?.stringValue == $0 } ?? true
            }
            if let after = request.query["starting_after"] {
                guard let index = ids.firstIndex(of: after) else {
                    return Self.noSuch("refund", after, param: "starting_after")
                }
                ids = Array(ids[(index + 1)...])
            }
            let page = ids.prefix(limit).compactMap { state.refunds[$0] }
            return .json(
                200,
                ["object": "list", "url": "/v1/refunds", "has_more": .bool(ids.count > limit), "data": .array(page)]
            )
        }
    }
}
