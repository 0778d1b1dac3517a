import AgentRetry

/// A successful ACP call: the decoded body and how it was obtained.
public struct ACPResponse<Body: Sendable>: Sendable {
    /// The decoded body.
    public var body: Body
    /// The HTTP status (from the server, or kept in the store).
    public var status: Int
    /// The idempotent call: key, attempts, replayed, from the store, anchor.
    public var call: IdempotentResult
}
