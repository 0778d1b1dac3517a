/// A step of an idempotent call, reported to ``IdempotentClient/Configuration-swift.struct/onEvent``.
public enum ClientEvent: Sendable, Hashable {
    /// The record of attempt `attempt` of the intent's `operation` is on disk; the request is about
    /// to be sent.
    case persistedBeforeSending(key: IdempotencyKey, operation: String, attempt: Int)
    /// A response to the intent's `operation` arrived; its outcome is not persisted yet.
    case responseReceived(key: IdempotencyKey, operation: String, status: Int)
}
