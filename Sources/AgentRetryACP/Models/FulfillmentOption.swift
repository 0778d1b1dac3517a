import AgentRetry

/// A way the merchant offers to fulfil the order (`FulfillmentOptionShipping`, `...Digital`,
/// `...Pickup`, `...LocalDelivery`), told apart by ``kind``.
public struct FulfillmentOption: ACPObject {
    /// The kind of fulfilment. Values newer than this code are kept as they are.
    public struct Kind: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `shipping`.
        public static let shipping: Kind = "shipping"
        /// `digital`.
        public static let digital: Kind = "digital"
        /// `pickup`.
        public static let pickup: Kind = "pickup"
        /// `local_delivery`.
        public static let localDelivery: Kind = "local_delivery"
    }

    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("type", Kind.self), .required("id", String.self), .optional("title", String.self),
        .optional("description", String.self), .optional("carrier", String.self), .optional("totals", [ACPTotal].self),
        // 2025-09-29 and 2025-12-12: flat amounts and a subtitle.
        .optional("subtitle", String.self), .optional("subtotal", Int.self), .optional("tax", Int.self),
        .optional("total", Int.self),
    ]

    /// Creates an option from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `type`.
    public var kind: Kind {
        get { self.value("type") ?? "" }
        set { self.setValue("type", newValue) }
    }
    /// `id`: what ``SelectedFulfillmentOption/optionID`` names.
    public var id: String {
        get { self.value("id") ?? "" }
        set { self.setValue("id", newValue) }
    }
    /// `title`.
    public var title: String? {
        get { self.value("title") }
        set { self.setValue("title", newValue) }
    }
    /// `totals`; in 2025-09-29 and 2025-12-12 options, made from the flat `subtotal`, `tax` and `total`.
    public var totals: [ACPTotal] {
        get {
            self.value("totals")
                ?? ACPTotal.fromFlatAmounts(self.members, [("subtotal", .subtotal), ("tax", .tax), ("total", .total)])
        }
        set { self.setValue("totals", newValue) }
    }
}
