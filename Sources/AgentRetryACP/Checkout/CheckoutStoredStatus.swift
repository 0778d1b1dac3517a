import AgentRetry

/// What the store knows of a checkout task, read by ``CheckoutTask/storedStatus(taskID:cart:paymentToken:)``
/// without sending anything: the latest generation, its create's state and anchor, and the
/// completion kept for the credential when one is given.
public struct CheckoutStoredStatus: Sendable {
    /// Where the task stands, as far as the store knows.
    public struct State: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name, as `checkout_status` reports it.
        public let rawValue: String
        /// Creates a state from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The store holds nothing of the task: no create was ever keyed for it.
        public static let notStarted = State(rawValue: "not_started")
        /// The create's key is persisted but its outcome is not known yet (in flight, or the
        /// process died): running the task again resumes it under the same key.
        public static let creating = State(rawValue: "creating")
        /// The merchant refused the latest generation's create: nothing exists at the merchant.
        public static let createRefused = State(rawValue: "create_refused")
        /// The session (PaymentIntent) exists and is anchored; its completion is not kept in the
        /// store for the credential given (or none was given): running the task resumes it.
        public static let anchored = State(rawValue: "anchored")
        /// The completion is kept in the store: paid.
        public static let completed = State(rawValue: "completed")
        /// The kept completion declined the credential given.
        public static let declined = State(rawValue: "declined")
        /// The name.
        public var description: String { self.rawValue }
    }

    /// The task id.
    public var taskID: String
    /// Where the task stands.
    public var state: State
    /// The latest generation the store holds a create for (0 when none).
    public var generation: Int
    /// The anchor of an ACP task, when anchored.
    public var checkoutSessionID: String?
    /// The anchor of a Stripe task, when anchored.
    public var paymentIntentID: String?
    /// The ACP version the session was created in; `nil` over Stripe.
    public var apiVersion: ACPVersion?
    /// The order id, when the kept completion carries one (ACP).
    public var orderID: String?
    /// The keys of the kept steps, in order.
    public var idempotencyKeys: [IdempotencyKey] = []
    /// Requests put on the wire under those keys.
    public var attempts = 0
}
