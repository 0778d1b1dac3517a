/// How a server answers a key it has seen before: the replay mark, a key reused with another
/// request, and a key whose first request is still in flight.
struct IdempotencyAnswers: Sendable {
    let mismatch: MockResponse
    let inFlight: MockResponse
    /// The header set to `true` on a replay, or `nil` when replays are not marked.
    let replayHeader: String?

    init(mismatch: MockResponse, inFlight: MockResponse, replayHeader: String?) {
        self.mismatch = mismatch
        self.inFlight = inFlight
        self.replayHeader = replayHeader
    }

    /// Stripe's answers, and ACP's as the specification words them.
    init(family: RouteFamily) {
        let mismatch =
            switch family {
            case .stripe:
                family.error(
                    400,
                    type: "idempotency_error",
                    code: "idempotency_key_reused",
                    message: "Keys for idempotent requests can only be used with the same parameters "
                        + "they were first used with."
                )
            default:
                family.error(
                    422,
                    code: "idempotency_conflict",
                    message: "Idempotency-Key has already been used with a different request body"
                )
            }
        self.init(
            mismatch: mismatch,
            inFlight: family.injected(status: 409).with(header: "Retry-After", "1"),
            replayHeader: "Idempotent-Replayed"
        )
    }
}
