import AgentRetry

/// The body of `POST /checkout_sessions` (`CheckoutSessionCreateRequest`), in the 2026-04-17 shape;
/// ``encoded(for:)`` writes it for older versions.
///
/// Decoding also reads older versions' bodies (`items`, `fulfillment_address`, no `currency`): no field
/// is required that some released version lacks. The schema requires `capabilities`; decoding does not,
/// because the spec's own multi-item example has none.
public struct CheckoutSessionCreateRequest: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .optional("line_items", [ACPItem].self), .optional("currency", String.self),
        .optional("capabilities", JSONValue.self),
        .optional("buyer", ACPBuyer.self), .optional("fulfillment_details", FulfillmentDetails.self),
        .optional("metadata", JSONValue.self), .optional("order_notes", String.self),
        // 2025-09-29 to 2026-01-16.
        .optional("items", [ACPItem].self), .optional("fulfillment_address", ACPAddress.self),
    ]

    /// Creates a request from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// A request for `lineItems` (one entry per unit) in `currency`.
    public init(
        lineItems: [ACPItem],
        currency: String,
        capabilities: JSONValue = ["interventions": ["supported": []]],
        buyer: ACPBuyer? = nil,
        fulfillmentDetails: FulfillmentDetails? = nil,
        metadata: JSONValue? = nil
    ) {
        self.members = ["line_items": lineItems.acpJSON, "currency": .string(currency), "capabilities": capabilities]
        self.buyer = buyer
        self.fulfillmentDetails = fulfillmentDetails
        self.metadata = metadata
    }

    /// `line_items`.
    public var lineItems: [ACPItem] {
        get { self.value("line_items") ?? [] }
        set { self.setValue("line_items", newValue) }
    }
    /// `currency`.
    public var currency: String {
        get { self.value("currency") ?? "" }
        set { self.setValue("currency", newValue) }
    }
    /// `buyer`.
    public var buyer: ACPBuyer? {
        get { self.value("buyer") }
        set { self.setValue("buyer", newValue) }
    }
    /// `fulfillment_details`.
    public var fulfillmentDetails: FulfillmentDetails? {
        get { self.value("fulfillment_details") }
        set { self.setValue("fulfillment_details", newValue) }
    }
    /// `metadata`, such as `{"task_id": ...}`.
    public var metadata: JSONValue? {
        get { self.value("metadata") }
        set { self.setValue("metadata", newValue) }
    }
}
