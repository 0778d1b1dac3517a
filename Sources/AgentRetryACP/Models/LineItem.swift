import AgentRetry

/// A line of a checkout session (`LineItem`): an item, its quantity and its totals. Before 2026-01-30 the
/// quantity is the item's and the amounts are flat (`base_amount`, `discount`, `subtotal`, `tax`,
/// `total`); the accessors read both shapes.
public struct LineItem: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("id", String.self), .required("item", ACPItem.self), .optional("quantity", Int.self),
        .optional("name", String.self), .optional("unit_amount", Int.self), .optional("totals", [ACPTotal].self),
        .optional("availability_status", String.self),
        .optional("base_amount", Int.self), .optional("discount", Int.self), .optional("subtotal", Int.self),
        .optional("tax", Int.self), .optional("total", Int.self),
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
    /// `quantity`, or the item's `quantity` (before 2026-01-30).
    public var quantity: Int? {
        get { self.value("quantity") ?? self.item.quantity }
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
    /// `totals`; before 2026-01-30, made from the flat amounts (`base_amount` as `items_base_amount`,
    /// `discount`, `subtotal`, `tax`, `total`).
    public var totals: [ACPTotal] {
        get {
            self.value("totals")
                ?? ACPTotal.fromFlatAmounts(
                    self.members,
                    [
                        ("base_amount", .itemsBaseAmount), ("discount", .discount), ("subtotal", .subtotal),
                        ("tax", .tax), ("total", .total),
                    ]
                )
        }
        set { self.setValue("totals", newValue) }
    }
}
