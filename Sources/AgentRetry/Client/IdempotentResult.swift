/// The outcome of one idempotent call that did not end in an error.
public struct IdempotentResult: Sendable {
    /// How the call ended.
    public enum Status: String, Sendable, Hashable {
        /// A 2xx response.
        case succeeded
        /// A definitive failure (402 card declined, other 4xx, ...), kept like the server keeps it.
        case failed
        /// The outcome is unknown after the retries or the deadline: resumable with the same key.
        case pending
    }

    /// How the call ended.
    public var status: Status
    /// The response: the server's, or the one kept in the store. `nil` when pending.
    public var response: HTTPResponse?
    /// The key the requests carried.
    public var key: IdempotencyKey
    /// Requests put on the wire under this key, over every invocation.
    public var attempts: Int
    /// Whether the server said it replayed a saved result (`Idempotent-Replayed: true`).
    public var replayed: Bool
    /// Whether the result came from the store with no request sent.
    public var fromStore: Bool
    /// The task's anchor kept with the outcome (see the `anchor` parameter of
    /// ``IdempotentClient/send(_:intent:profile:reconcile:anchor:)``), if any.
    public var anchor: String? = nil

    /// The header the client marks a kept 2xx response with when its body was larger than the
    /// transport's limit and was not kept: its value says so in words.
    public static let bodyOmittedHeader = "AgentRetry-Body-Omitted"

    /// Whether the call succeeded but the response's body was over the transport's
    /// ``HTTPTransport/Configuration-swift.struct/maximumResponseBodySize`` and was not kept: the
    /// response has the status and an empty body.
    public var responseBodyOmitted: Bool {
        self.response?.headers.first(name: Self.bodyOmittedHeader) != nil
    }
}
