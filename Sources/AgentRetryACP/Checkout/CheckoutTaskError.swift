import AgentRetry

/// A checkout task that could not run to an outcome. Nothing is lost: the store keeps every step,
/// and running the task again resumes it (except for `invalidCart` and `conflict`, which need the
/// caller's decision).
public struct CheckoutTaskError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable {
            case invalidCart, invalidConfiguration, conflict, needsReconciliation, inProgressElsewhere, store, merchant
        }
        let base: Base
        /// The cart or the payment token is not usable (no lines, a bad quantity, no unit amount for Stripe, no token).
        public static let invalidCart = Code(base: .invalidCart)
        /// The task's configuration is not usable (an ``ACPVersion`` that is not a `YYYY-MM-DD` date, a
        /// merchant base URL that is not absolute `http(s)` or has a port outside 1...65535).
        /// Nothing was sent.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// An idempotency conflict: the task re-run with another cart, or with another API key once
        /// a step was sent, or a key the merchant says was used with
        /// another body (422). Nothing is re-sent.
        public static let conflict = Code(base: .conflict)
        /// The outcome of a step is unknown and the merchant's key retention has passed, or the
        /// anchored session is unknown to the merchant (404): look it up before starting anew.
        public static let needsReconciliation = Code(base: .needsReconciliation)
        /// Another invocation of the task holds (or took over) the lease of the step.
        public static let inProgressElsewhere = Code(base: .inProgressElsewhere)
        /// The store failed.
        public static let store = Code(base: .store)
        /// The merchant answered in a way the task cannot use (a malformed body, an unreachable GET).
        public static let merchant = Code(base: .merchant)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What went wrong.
    public let code: Code
    /// Details; never a secret.
    public let message: String
    /// The task's generation when it failed.
    public let generation: Int
    /// The anchor, if the task has one.
    public let anchor: String?
    /// The idempotency keys this invocation used.
    public let idempotencyKeys: [IdempotencyKey]
    /// The underlying error: ``ACPClientError``, `IdempotentCallError`, ``ACPDecodingError``.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        generation: Int = 0,
        anchor: String? = nil,
        idempotencyKeys: [IdempotencyKey] = [],
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.generation = generation
        self.anchor = anchor
        self.idempotencyKeys = idempotencyKeys
        self.underlying = underlying
    }

    /// The code and the details.
    public var description: String { "CheckoutTaskError.\(self.code): \(self.message)" }
}
