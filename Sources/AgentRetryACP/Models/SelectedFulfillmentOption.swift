import AgentRetry

/// The option chosen for some line items (`SelectedFulfillmentOption`).
public struct SelectedFulfillmentOption: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("type", FulfillmentOption.Kind.self), .required("option_id", String.self),
        .optional("item_ids", [String].self),
    ]

    /// Creates a selection from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// Chooses `optionID` for the line items `itemIDs`.
    public init(kind: FulfillmentOption.Kind, optionID: String, itemIDs: [String]) {
        self.members = ["type": kind.acpJSON, "option_id": .string(optionID), "item_ids": itemIDs.acpJSON]
    }

    /// `type`.
    public var kind: FulfillmentOption.Kind {
        get { self.value("type") ?? "" }
        set { self.setValue("type", newValue) }
    }
    /// `option_id`.
    public var optionID: String {
        get { self.value("option_id") ?? "" }
        set { self.setValue("option_id", newValue) }
    }
    /// `item_ids`: the line item ids it applies to.
    public var itemIDs: [String] {
        get { self.value("item_ids") ?? [] }
        set { self.setValue("item_ids", newValue) }
    }
}
