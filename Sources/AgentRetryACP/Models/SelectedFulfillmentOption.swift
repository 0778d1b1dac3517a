import AgentRetry

/// The option chosen for some line items (`SelectedFulfillmentOption`): flat (`{type, option_id,
/// item_ids}`, 2026-01-30 and later) or nested by type (`{type, shipping: {option_id, item_ids}}`,
/// 2025-12-12 and 2026-01-16). The accessors read both.
public struct SelectedFulfillmentOption: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("type", FulfillmentOption.Kind.self), .optional("option_id", String.self),
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
    /// `option_id`, or the nested `<type>.option_id`.
    public var optionID: String {
        get { self.value("option_id") ?? self.nested?["option_id"]?.stringValue ?? "" }
        set { self.setValue("option_id", newValue) }
    }
    /// `item_ids`, or the nested `<type>.item_ids`: the ids it applies to.
    public var itemIDs: [String] {
        get {
            self.value("item_ids")
                ?? self.nested?["item_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        set { self.setValue("item_ids", newValue) }
    }

    /// The nested object of the 2025-12-12 shape (`shipping`, `digital`), if any.
    var nested: JSONValue? {
        guard let type = self.members["type"]?.stringValue, let inner = self.members[type], inner != .null
        else { return nil }
        return inner
    }
}
