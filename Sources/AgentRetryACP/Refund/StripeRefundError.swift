import AgentRetry

/// A refund task that could not come to an outcome. Nothing is lost: the store keeps the refund's
/// key and record, and calling the task again resumes it (except for `invalidArgument` and
/// `conflict`, which need the caller's decision).
public struct StripeRefundError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable { case invalidArgument, conflict, inProgressElsewhere, needsReconciliation, store, psp }
        let base: Base
        /// An empty task id or PaymentIntent id, an amount under 1, or a PSP base URL that cannot be
        /// sent to (not absolute `http(s)`, a port outside 1...65535). Nothing was sent.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// The task was asked before with another PaymentIntent or amount (nothing sent), or Stripe
        /// says the key was used with another request (its `idempotency_error`). A different refund
        /// needs another task id.
        public static let conflict = Code(base: .conflict)
        /// Another invocation holds (or took over) the refund's lease.
        public static let inProgressElsewhere = Code(base: .inProgressElsewhere)
        /// The outcome is unknown and cannot be re-sent safely (Stripe's key retention has passed, or
        /// the key replays a saved 5xx) and the lookup found no refund: look it up before refunding.
        public static let needsReconciliation = Code(base: .needsReconciliation)
        /// The store failed, or no key could be derived.
        public static let store = Code(base: .store)
        /// Stripe answered in a way the task cannot use: the API key refused (401, 403), a 2xx body
        /// that is no refund.
        public static let psp = Code(base: .psp)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What went wrong.
    public let code: Code
    /// Details; never a secret.
    public let message: String
    /// The refund's key, when it was derived.
    public let idempotencyKey: IdempotencyKey?
    /// The HTTP status, when a response arrived.
    public let status: Int?
    /// The underlying error: an `IdempotentCallError`.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        idempotencyKey: IdempotencyKey? = nil,
        status: Int? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.idempotencyKey = idempotencyKey
        self.status = status
        self.underlying = underlying
    }

    /// The code and the details.
    public var description: String { "StripeRefundError.\(self.code): \(self.message)" }
}
