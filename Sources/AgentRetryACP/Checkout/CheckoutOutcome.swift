import AgentRetry

/// How an anchored checkout task ended (for now: `pending` can be resumed by running it again).
public struct CheckoutOutcome: Sendable {
    /// The task's state.
    public struct Status: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name `agent-retry checkout` prints.
        public let rawValue: String
        /// Creates a status from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Paid: ``CheckoutOutcome/orderID`` (ACP) or ``CheckoutOutcome/paymentIntentID`` (Stripe) is set.
        public static let completed = Status(rawValue: "completed")
        /// The credential was declined; terminal for that credential. A new credential is a new intent.
        public static let declined = Status(rawValue: "declined")
        /// The merchant needs something from the buyer (address, 3D Secure, another item): see the messages.
        public static let needsInput = Status(rawValue: "needs_input")
        /// The session was canceled and the task has no generation left.
        public static let canceled = Status(rawValue: "canceled")
        /// The session expired and the task has no generation left.
        public static let expired = Status(rawValue: "expired")
        /// The outcome is unknown after the deadline; running the task again resumes it.
        public static let pending = Status(rawValue: "pending")
        /// The merchant definitively refused a body it cannot accept (a validation error): see
        /// ``CheckoutOutcome/rejection``. Nothing was bought; running the task again answers the same.
        public static let rejected = Status(rawValue: "rejected")
        /// The merchant and the client share no ACP version: see ``CheckoutOutcome/versionMismatch``.
        public static let unsupportedVersion = Status(rawValue: "unsupported_version")
        /// The name.
        public var description: String { self.rawValue }
    }

    /// The task's state.
    public var status: Status
    /// The task id.
    public var taskID: String
    /// The task's generation: 0, plus one for every session that was canceled or expired.
    public var generation: Int
    /// The anchor of an ACP task: the current generation's `checkout_session_id`.
    public var checkoutSessionID: String?
    /// The anchor of a Stripe task: the current generation's PaymentIntent id.
    public var paymentIntentID: String?
    /// The order, when completed over ACP.
    public var order: ACPOrder?
    /// The session as last seen (ACP).
    public var session: CheckoutSession?
    /// The merchant's messages that explain a decline or what input is needed.
    public var messages: [ACPMessage] = []
    /// Why the task is not completed, in words.
    public var reason: String?
    /// The keys of the POSTs this invocation made or found, in order.
    public var idempotencyKeys: [IdempotencyKey] = []
    /// Requests put on the wire under those keys, over every invocation of the task.
    public var attempts = 0
    /// Whether a response said it was replayed (a header of `PSPProfile.replayHeaders`), or a
    /// create answered with a session the task already held as an anchor.
    public var replayed = false
    /// The merchant's refusal, for `rejected` outcomes and `needs_input` ones a refusal caused.
    public var rejection: CheckoutRejection?
    /// The ACP version the task speaks (the one its session was created with); `nil` over Stripe.
    public var apiVersion: ACPVersion?
    /// What each side speaks and what each version got, for `unsupported_version` outcomes.
    public var versionMismatch: ACPVersionMismatch?
    /// Whether this invocation sent no POST: every step's result came from the store or from a GET.
    public var fromStore = true

    /// The order id (ACP) when completed.
    public var orderID: String? { self.order?.id }
}
