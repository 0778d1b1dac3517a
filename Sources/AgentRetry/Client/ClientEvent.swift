/// A step of an idempotent call, reported to ``IdempotentClient/Configuration-swift.struct/onEvent``.
public enum ClientEvent: Sendable, Hashable {
    /// The record of attempt `attempt` is on disk; the request is about to be sent.
    case persistedBeforeSending(key: IdempotencyKey, attempt: Int)
    /// A response arrived; its outcome is not persisted yet.
    case responseReceived(key: IdempotencyKey, status: Int)
}
