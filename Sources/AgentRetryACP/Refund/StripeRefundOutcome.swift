import AgentRetry

/// How a refund task ended: a refund Stripe created (with its own status), a refusal, or an
/// outcome still unknown. Calling the task again answers the same from the store, except
/// ``Status-swift.struct/pending``, which resumes with the same key.
public struct StripeRefundOutcome: Sendable {
    /// The refund task's state.
    public struct Status: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name `agent-retry mcp` reports.
        public let rawValue: String
        /// Creates a status from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Stripe created the refund and reports it `succeeded`: the money went back.
        public static let succeeded = Status(rawValue: "succeeded")
        /// Stripe created the refund and reports it `pending` or `requires_action` (or a status newer
        /// than this code): it exists, once, and settles at Stripe. Calling again does not poll it.
        public static let processing = Status(rawValue: "processing")
        /// Stripe created the refund and reports it `failed` or `canceled`: no money went back; see
        /// ``StripeRefundOutcome/reason``.
        public static let failed = Status(rawValue: "failed")
        /// Stripe refused to create the refund (a 4xx such as `charge_not_refundable`,
        /// `amount_too_large` or `resource_missing`): nothing was refunded; see
        /// ``StripeRefundOutcome/rejection``. The same call answers the same.
        public static let rejected = Status(rawValue: "rejected")
        /// The outcome is unknown (the answer was lost, or Stripe is still processing the key): never
        /// read as failed. Calling again resumes with the same key and never refunds twice.
        public static let pending = Status(rawValue: "pending")
        /// The name.
        public var description: String { self.rawValue }
    }

    /// The refund task's state.
    public var status: Status
    /// The refund task's id.
    public var taskID: String
    /// The PaymentIntent refunded.
    public var paymentIntentID: String
    /// The amount asked for, in minor units (the refund's amount, when Stripe created it).
    public var amount: Int
    /// The refund's id (`re_...`), when Stripe created it.
    public var refundID: String?
    /// Stripe's status of the refund object (`succeeded`, `pending`, `requires_action`, `failed`,
    /// `canceled`), when Stripe created it.
    public var refundStatus: String?
    /// The refund's currency, when Stripe created it.
    public var currency: String?
    /// Why the refund is not `succeeded`, in words.
    public var reason: String?
    /// Stripe's refusal (step `refund`, the HTTP status, Stripe's error code and message), for
    /// ``Status-swift.struct/rejected``.
    public var rejection: CheckoutRejection?
    /// The key the refund was sent under.
    public var idempotencyKey: IdempotencyKey?
    /// Requests put on the wire under that key, over every invocation of the task.
    public var attempts = 0
    /// Whether Stripe said it replayed a saved result (`Idempotent-Replayed: true`).
    public var replayed = false
    /// Whether the outcome came from the store with no request sent.
    public var fromStore = false

    /// Creates an outcome.
    public init(status: Status, taskID: String, paymentIntentID: String, amount: Int) {
        self.status = status
        self.taskID = taskID
        self.paymentIntentID = paymentIntentID
        self.amount = amount
    }
}
