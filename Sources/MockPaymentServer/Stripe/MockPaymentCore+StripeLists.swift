import AgentRetry
import Synchronization

extension MockPaymentCore {
    /// One page of a Stripe list, newest first: `limit` 1 to 100 (default 10) and `starting_after`,
    /// as Stripe paginates. `ids` are the objects' ids newest first, `object` their kind for the
    /// error that names an unknown `starting_after`.
    static func listPage(
        _ request: MockRequest,
        ids: [String],
        object: String,
        url: String,
        render: (String) -> JSONValue?
    ) -> MockResponse {
        let limitText = request.query["limit"] ?? "10"
        guard let limit = Int(limitText), (1...100).contains(limit) else {
            return RouteFamily.stripe.error(
                400,
                code: "parameter_invalid_integer",
                message: "Invalid integer: limit must be between 1 and 100.",
                param: "limit"
            )
        }
        var ids = ids
        if let after = request.query["starting_after"] {
            guard let index = ids.firstIndex(of: after) else {
                return Self.noSuch(object, after, param: "starting_after")
            }
            ids = Array(ids[(index + 1)...])
        }
        let page = ids.prefix(limit).compactMap(render)
        return .json(
            200,
            ["object": "list", "url": .string(url), "has_more": .bool(ids.count > limit), "data": .array(page)]
        )
    }

    /// `GET /v1/payment_intents`.
    func listPaymentIntents(_ request: MockRequest) -> MockResponse {
        self.state.withLock { state in
            Self.listPage(
                request,
                ids: state.paymentIntentOrder.reversed(),
                object: "payment_intent",
                url: "/v1/payment_intents"
            ) { state.paymentIntents[$0]?.json }
        }
    }
}
