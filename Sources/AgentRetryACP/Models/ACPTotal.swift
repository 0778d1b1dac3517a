import AgentRetry

/// One line of a session's or an item's totals (`Total`).
public struct ACPTotal: ACPObject {
    /// What the amount is. Values newer than this code are kept as they are.
    public struct Kind: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `items_base_amount`.
        public static let itemsBaseAmount: Kind = "items_base_amount"
        /// `subtotal`.
        public static let subtotal: Kind = "subtotal"
        /// `discount`.
        public static let discount: Kind = "discount"
        /// `fulfillment`.
        public static let fulfillment: Kind = "fulfillment"
        /// `tax`.
        public static let tax: Kind = "tax"
        /// `fee`.
        public static let fee: Kind = "fee"
        /// `total`: what the buyer pays.
        public static let total: Kind = "total"
    }

    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("type", Kind.self), .optional("display_text", String.self), .required("amount", Int.self),
        .optional("description", String.self),
    ]

    /// Creates a total from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `type`.
    public var type: Kind {
        get { self.value("type") ?? "" }
        set { self.setValue("type", newValue) }
    }
    /// `display_text`.
    public var displayText: String? {
        get { self.value("display_text") }
        set { self.setValue("display_text", newValue) }
    }
    /// The totals an older object spells as flat integer members, in `names`' order; absent ones are skipped.
    static func fromFlatAmounts(_ members: [String: JSONValue], _ names: [(String, Kind)]) -> [ACPTotal] {
        names.compactMap { name, kind in
            guard let amount = members[name]?.integerValue else { return nil }
            return ACPTotal(uncheckedMembers: ["type": kind.acpJSON, "amount": .number(Double(amount))])
        }
    }

    /// `amount`, minor units.
    public var amount: Int {
        get { self.value("amount") ?? 0 }
        set { self.setValue("amount", newValue) }
    }
}
