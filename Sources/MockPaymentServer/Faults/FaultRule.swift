import AgentRetry

/// One fault-injection rule: which requests it matches, what it does to them, how often.
///
/// JSON form, as `--faults FILE` and `POST /__admin/faults` take it:
/// ```json
/// {"match": {"method": "POST", "path": "/v1/payment_intents"},
///  "action": "drop_after_commit", "probability": 0.3, "count": 5}
/// ```
/// `path` matches whole segments; `*` matches one segment (`/checkout_sessions/*/complete`).
/// `method` and `path` may be left out to match any. `probability` (0 to 1, default 1) is drawn
/// from the server's seeded generator; `count` limits how many matching requests the rule
/// applies to (default: no limit).
public struct FaultRule: Sendable, Hashable {
    /// What a rule does to a request it applies to.
    public enum Action: Sendable, Hashable {
        /// Process and commit the effect, then close the connection without a response.
        case dropAfterCommit
        /// Commit, then hold the response for `milliseconds`.
        case stallAfterCommit(milliseconds: Int)
        /// Close the connection before processing: no effect.
        case resetBeforeCommit
        /// Answer `status` with the route's error body before processing: no effect.
        case statusBefore(status: Int, retryAfter: String?)
        /// Commit the effect, then answer `status`. Stripe routes save that answer for replay (Stripe
        /// replays 500s); ACP routes save the committed result, never a 5xx.
        case statusAfterCommit(status: Int)
        /// Wait `milliseconds`, then behave normally (the idempotency key is claimed meanwhile).
        case latency(milliseconds: Int)
        /// Commit, send the head and half the body, close.
        case truncateBody
        /// Send bytes that are not HTTP, close, before processing: no effect.
        case garbage

        /// The action's name in the JSON form.
        public var name: String {
            switch self {
            case .dropAfterCommit: "drop_after_commit"
            case .stallAfterCommit: "stall_after_commit"
            case .resetBeforeCommit: "reset_before_commit"
            case .statusBefore: "status_before"
            case .statusAfterCommit: "status_after_commit"
            case .latency: "latency"
            case .truncateBody: "truncate_body"
            case .garbage: "garbage"
            }
        }
    }

    /// The method matched, upper case; `nil` matches any.
    public var method: String?
    /// The path pattern; `nil` matches any.
    public var path: String?
    /// The action.
    public var action: Action
    /// The chance, 0 to 1, that a matching request is hit.
    public var probability: Double
    /// How many matching requests the rule may still hit; `nil` for no limit.
    public var count: Int?

    /// Creates a rule.
    public init(method: String? = nil, path: String? = nil, action: Action, probability: Double = 1, count: Int? = nil)
    {
        self.method = method?.uppercased()
        self.path = path
        self.action = action
        self.probability = probability
        self.count = count
    }

    /// Whether the rule's match covers this request.
    func matches(method: String, path: String) -> Bool {
        if let expected = self.method, expected != method { return false }
        guard let pattern = self.path else { return true }
        let patternSegments = pattern.split(separator: "/")
        let pathSegments = path.split(separator: "/")
        guard patternSegments.count == pathSegments.count else { return false }
        return zip(patternSegments, pathSegments).allSatisfy { $0 == "*" || $0 == $1 }
    }
}
