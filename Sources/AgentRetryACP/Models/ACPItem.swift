import AgentRetry

/// An item reference (`Item`): the product id, and optionally its name and unit price. ACP
/// 2026-01-30 and later have no quantity here: a request names an item once per unit. Older versions'
/// `Item` is `{id, quantity}`.
public struct ACPItem: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("id", String.self), .optional("name", String.self), .optional("unit_amount", Int.self),
    ]

    /// Creates an item from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// Creates an item reference.
    public init(id: String, name: String? = nil, unitAmount: Int? = nil) {
        self.members = ["id": .string(id)]
        self.name = name
        self.unitAmount = unitAmount
    }

    /// `id`.
    public var id: String {
        get { self.value("id") ?? "" }
        set { self.setValue("id", newValue) }
    }
    /// `name`.
    public var name: String? {
        get { self.value("name") }
        set { self.setValue("name", newValue) }
    }
    /// `quantity` (before 2026-01-30); `nil` when absent or not an integer.
    public var quantity: Int? {
        get { self.value("quantity") }
        set { self.setValue("quantity", newValue) }
    }
    /// `unit_amount`, minor units.
    public var unitAmount: Int? {
        get { self.value("unit_amount") }
        set { self.setValue("unit_amount", newValue) }
    }
}
