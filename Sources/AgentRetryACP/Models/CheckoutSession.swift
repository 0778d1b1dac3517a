import AgentRetry

/// An ACP checkout session (`CheckoutSession`, and `CheckoutSessionWithOrder` when it carries the
/// order of a completed session).
public struct CheckoutSession: ACPObject {
    /// Where the session is in its life. Values newer than this code are kept as they are.
    public struct Status: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates a status.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `incomplete`.
        public static let incomplete: Status = "incomplete"
        /// `not_ready_for_payment`: messages say what is missing.
        public static let notReadyForPayment: Status = "not_ready_for_payment"
        /// `requires_escalation`.
        public static let requiresEscalation: Status = "requires_escalation"
        /// `authentication_required`: 3D Secure is due.
        public static let authenticationRequired: Status = "authentication_required"
        /// `ready_for_payment`.
        public static let readyForPayment: Status = "ready_for_payment"
        /// `pending_approval`.
        public static let pendingApproval: Status = "pending_approval"
        /// `complete_in_progress`: a complete call is being processed.
        public static let completeInProgress: Status = "complete_in_progress"
        /// `completed`: the order exists.
        public static let completed: Status = "completed"
        /// `canceled`.
        public static let canceled: Status = "canceled"
        /// `in_progress`.
        public static let inProgress: Status = "in_progress"
        /// `expired`.
        public static let expired: Status = "expired"

        /// Whether the session can no longer change (completed, canceled or expired).
        public var isTerminal: Bool { self == .completed || self == .canceled || self == .expired }
    }

    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("id", String.self), .required("status", Status.self), .required("currency", String.self),
        .optional("line_items", [LineItem].self), .optional("totals", [ACPTotal].self),
        .optional("fulfillment_options", [FulfillmentOption].self), .optional("messages", [ACPMessage].self),
        .optional("links", [ACPLink].self), .optional("capabilities", JSONValue.self),
        .optional("buyer", ACPBuyer.self),
        .optional("fulfillment_details", FulfillmentDetails.self),
        .optional("selected_fulfillment_options", [SelectedFulfillmentOption].self), .optional("order", ACPOrder.self),
        .optional("expires_at", String.self), .optional("created_at", String.self),
        .optional("updated_at", String.self),
        // Older versions' members (2025-09-29 to 2026-01-16); see CheckoutSession+Versions.swift.
        .optional("fulfillment_address", ACPAddress.self), .optional("fulfillment_option_id", String.self),
        .optional("payment_provider", JSONValue.self), .optional("protocol", JSONValue.self),
    ]

    /// Creates a session from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `id`: the `checkout_session_id`.
    public var id: String {
        get { self.value("id") ?? "" }
        set { self.setValue("id", newValue) }
    }
    /// `status`.
    public var status: Status {
        get { self.value("status") ?? "" }
        set { self.setValue("status", newValue) }
    }
    /// `currency`, lower-case ISO 4217.
    public var currency: String {
        get { self.value("currency") ?? "" }
        set { self.setValue("currency", newValue) }
    }
    /// `line_items`.
    public var lineItems: [LineItem] {
        get { self.value("line_items") ?? [] }
        set { self.setValue("line_items", newValue) }
    }
    /// `totals`.
    public var totals: [ACPTotal] {
        get { self.value("totals") ?? [] }
        set { self.setValue("totals", newValue) }
    }
    /// `fulfillment_options`: what the buyer can choose from.
    public var fulfillmentOptions: [FulfillmentOption] {
        get { self.value("fulfillment_options") ?? [] }
        set { self.setValue("fulfillment_options", newValue) }
    }
    /// `selected_fulfillment_options`, flat or nested by type (2025-12-12, 2026-01-16); in 2025-09-29
    /// sessions, the `fulfillment_option_id`, typed after the option it names.
    public var selectedFulfillmentOptions: [SelectedFulfillmentOption] {
        get { self.value("selected_fulfillment_options") ?? self.selectedOptionFromID.map { [$0] } ?? [] }
        set { self.setValue("selected_fulfillment_options", newValue) }
    }
    /// `messages`: info, warnings and errors about the session.
    public var messages: [ACPMessage] {
        get { self.value("messages") ?? [] }
        set { self.setValue("messages", newValue) }
    }
    /// `links`: terms, privacy policy and others.
    public var links: [ACPLink] {
        get { self.value("links") ?? [] }
        set { self.setValue("links", newValue) }
    }
    /// `capabilities`, as JSON (payment handlers, interventions, extensions).
    public var capabilities: JSONValue? {
        get { self.value("capabilities") }
        set { self.setValue("capabilities", newValue) }
    }
    /// `buyer`.
    public var buyer: ACPBuyer? {
        get { self.value("buyer") }
        set { self.setValue("buyer", newValue) }
    }
    /// `fulfillment_details`; in 2025-09-29 sessions, the `fulfillment_address` as details with that
    /// address and its name.
    public var fulfillmentDetails: FulfillmentDetails? {
        get { self.value("fulfillment_details") ?? self.detailsFromAddress }
        set { self.setValue("fulfillment_details", newValue) }
    }
    /// `order`: present on a completed session (`CheckoutSessionWithOrder`).
    public var order: ACPOrder? {
        get { self.value("order") }
        set { self.setValue("order", newValue) }
    }
    /// `metadata`, as JSON.
    public var metadata: JSONValue? {
        get { self.value("metadata") }
        set { self.setValue("metadata", newValue) }
    }
    /// `expires_at`, RFC 3339.
    public var expiresAt: String? {
        get { self.value("expires_at") }
        set { self.setValue("expires_at", newValue) }
    }

    /// The amount of the `total` line of `totals`, in minor units.
    public var totalAmount: Int? { self.totals.first { $0.type == .total }?.amount }

    /// The ids of the payment handlers the merchant offers (`capabilities.payment.handlers[].id`, 2026-01-30
    /// and later); empty for older versions, whose sessions name a ``paymentProvider`` instead.
    public var paymentHandlerIDs: [String] {
        self.capabilities?["payment"]?["handlers"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    /// The error messages (`type: error`).
    public var errorMessages: [ACPMessage] { self.messages.filter { $0.type == .error } }
}
