import AgentRetry

/// A line of a checkout session (`LineItem`): an item, its quantity and its totals.
public struct LineItem: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("id", String.self), .required("item", ACPItem.self), .optional("quantity", Int.self),
        .optional("name", String.self), .optional("unit_amount", Int.self), .optional("totals", [ACPTotal].self),
        .optional("availability_status", String.self),
    ]

    /// Creates a line item from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `id`.
    public var id: String {
        get { self.value("id") ?? "" }
        set { self.setValue("id", newValue) }
    }
    /// `item`.
    public var item: ACPItem {
        get { self.value("item") ?? ACPItem(id: "") }
        set { self.setValue("item", newValue) }
    }
    /// `quantity`.
    public var quantity: Int? {
        get { self.value("quantity") }
        set { self.setValue("quantity", newValue) }
    }
    /// `name`.
    public var name: String? {
        get { self.value("name") }
        set { self.setValue("name", newValue) }
    }
    /// `unit_amount`, minor units.
    public var unitAmount: Int? {
        get { self.value("unit_amount") }
        set { self.setValue("unit_amount", newValue) }
    }
    /// `totals`.
    public var totals: [ACPTotal] {
        get { self.value("totals") ?? [] }
        set { self.setValue("totals", newValue) }
    }
}
