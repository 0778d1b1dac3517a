import AgentRetry

/// The body of `POST /checkout_sessions/{id}` (`CheckoutSessionUpdateRequest`). An absent field
/// leaves the session's value as it is; ``ACPObject/setNull(_:)`` clears it. The 2026-04-17 shape;
/// ``encoded(for:)`` writes it for older versions, and decoding reads theirs too.
public struct CheckoutSessionUpdateRequest: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .optional("line_items", [ACPItem].self), .optional("buyer", ACPBuyer.self),
        .optional("fulfillment_details", FulfillmentDetails.self),
        .optional("selected_fulfillment_options", [SelectedFulfillmentOption].self),
        .optional("order_notes", String.self),
        // 2025-09-29 to 2026-01-16.
        .optional("items", [ACPItem].self), .optional("fulfillment_address", ACPAddress.self),
        .optional("fulfillment_option_id", String.self),
    ]

    /// Creates a request from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// A request that changes only what is given.
    public init(
        lineItems: [ACPItem]? = nil,
        buyer: ACPBuyer? = nil,
        fulfillmentDetails: FulfillmentDetails? = nil,
        selectedFulfillmentOptions: [SelectedFulfillmentOption]? = nil
    ) {
        self.members = [:]
        self.setValue("line_items", lineItems)
        self.setValue("buyer", buyer)
        self.setValue("fulfillment_details", fulfillmentDetails)
        self.setValue("selected_fulfillment_options", selectedFulfillmentOptions)
    }

    /// `selected_fulfillment_options`.
    public var selectedFulfillmentOptions: [SelectedFulfillmentOption]? {
        get { self.value("selected_fulfillment_options") }
        set { self.setValue("selected_fulfillment_options", newValue) }
    }
}
