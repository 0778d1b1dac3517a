import AgentRetry

/// What an agent wants to buy: the cart file of `agent-retry checkout` (see Documentation/CLI.md).
///
/// ```json
/// {"currency": "usd",
///  "line_items": [{"id": "item_tshirt", "quantity": 2, "unit_amount": 2500}],
///  "buyer": {"email": "ada@example.com", "first_name": "Ada"},
///  "fulfillment_details": {"name": "Ada", "address": {...}},
///  "fulfillment_option_id": "ship_express",
///  "payment_token": "spt_test_success"}
/// ```
/// ``canonicalJSON`` is the cart as the task's intent sees it: lines of one item merged, sorted by
/// id, currency in lower case, without the payment token (a credential is not part of what is
/// bought).
public struct CheckoutCart: ACPObject {
    /// One product and how many.
    public struct Line: ACPObject {
        /// The JSON members, unknown ones included.
        public var members: [String: JSONValue]
        /// The known fields.
        public static let fields: [ACPField] = [
            .required("id", String.self), .optional("quantity", Int.self), .optional("unit_amount", Int.self),
            .optional("name", String.self),
        ]
        /// Creates a line from members without checking them.
        public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }
        /// A line of `quantity` units of `id`.
        public init(id: String, quantity: Int = 1, unitAmount: Int? = nil) {
            self.members = ["id": .string(id), "quantity": quantity.acpJSON]
            self.setValue("unit_amount", unitAmount)
        }
        /// `id`: the merchant's item id.
        public var id: String { self.value("id") ?? "" }
        /// `quantity`, 1 when absent.
        public var quantity: Int { self.value("quantity") ?? 1 }
        /// `unit_amount` in minor units: needed for the Stripe path, which has no catalog.
        public var unitAmount: Int? { self.value("unit_amount") }
    }

    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("currency", String.self), .required("line_items", [Line].self), .optional("buyer", ACPBuyer.self),
        .optional("fulfillment_details", FulfillmentDetails.self), .optional("fulfillment_option_id", String.self),
        .optional("payment_token", String.self),
    ]

    /// Creates a cart from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// A cart of `lines` in `currency`.
    public init(
        currency: String,
        lines: [Line],
        buyer: ACPBuyer? = nil,
        fulfillmentDetails: FulfillmentDetails? = nil,
        fulfillmentOptionID: String? = nil
    ) {
        self.members = ["currency": .string(currency), "line_items": lines.acpJSON]
        self.setValue("buyer", buyer)
        self.setValue("fulfillment_details", fulfillmentDetails)
        self.setValue("fulfillment_option_id", fulfillmentOptionID)
    }

    /// `currency`, lower-cased.
    public var currency: String { (self.value("currency") ?? "").lowercased() }
    /// `line_items`.
    public var lines: [Line] { self.value("line_items") ?? [] }
    /// `buyer`.
    public var buyer: ACPBuyer? { self.value("buyer") }
    /// `fulfillment_details`.
    public var fulfillmentDetails: FulfillmentDetails? { self.value("fulfillment_details") }
    /// `fulfillment_option_id`: the option to select, if the merchant offers it.
    public var fulfillmentOptionID: String? { self.value("fulfillment_option_id") }
    /// `payment_token`: the credential, if the cart file carries one.
    public var paymentToken: String? { self.value("payment_token") }

    /// The most units of one item, and of the whole cart, a cart may hold.
    public static let maximumQuantity = 1000
    /// The largest `unit_amount`, in minor units (10^10: a hundred million in a two-decimal currency).
    public static let maximumUnitAmount = 10_000_000_000

    /// The lines merged by item id and sorted by it.
    public var mergedLines: [Line] {
        var merged: [String: Line] = [:]
        for line in self.lines {
            let quantity = (merged[line.id]?.quantity ?? 0).addingReportingOverflow(line.quantity).partialValue
            merged[line.id] = Line(
                id: line.id,
                quantity: quantity,
                unitAmount: line.unitAmount ?? merged[line.id]?.unitAmount
            )
        }
        return merged.keys.sorted().compactMap { merged[$0] }
    }

    /// The sum of `unit_amount` × `quantity`, or `nil` when a line has no unit amount or the sum
    /// does not fit (``validate()`` refuses such carts).
    public var amount: Int? {
        var sum = 0
        for line in self.mergedLines {
            guard let unit = line.unitAmount else { return nil }
            let (product, overflow) = unit.multipliedReportingOverflow(by: line.quantity)
            let (total, overflowAgain) = sum.addingReportingOverflow(product)
            guard !overflow, !overflowAgain else { return nil }
            sum = total
        }
        return sum
    }

    /// A digest of ``canonicalJSON``: binds the cart to the task in the create body.
    public var digest: String {
        String(((try? RequestFingerprint.json(self.canonicalJSON))?.rawValue ?? "").prefix(32))
    }

    /// The cart as the intent sees it (see the type's discussion).
    public var canonicalJSON: JSONValue {
        var members = self.members
        members["payment_token"] = nil
        members["currency"] = .string(self.currency)
        members["line_items"] = self.mergedLines.acpJSON
        return .object(members)
    }

    /// Checks what the schema cannot: at least one line, ids given, quantities from 1 to
    /// ``maximumQuantity`` (per item and in all), unit amounts from 0 to ``maximumUnitAmount`` and
    /// the same for every line of one item.
    public func validate() throws(ACPDecodingError) {
        guard !self.lines.isEmpty else {
            throw ACPDecodingError(code: .missingField, path: "$.line_items", message: "a cart needs at least one line")
        }
        let limit = Self.maximumQuantity
        var units = 0
        var unitAmounts: [String: Int] = [:]
        for (index, line) in self.lines.enumerated() {
            let path = "$.line_items[\(index)]"
            guard !line.id.isEmpty else {
                throw ACPDecodingError(code: .missingField, path: "\(path).id", message: "an item id is required")
            }
            guard (1...limit).contains(line.quantity) else {
                throw ACPDecodingError(
                    code: .typeMismatch,
                    path: "\(path).quantity",
                    message: "quantity must be from 1 to \(limit)"
                )
            }
            units += line.quantity
            guard units <= limit else {
                throw ACPDecodingError(
                    code: .typeMismatch,
                    path: "\(path).quantity",
                    message: "a cart holds at most \(limit) units in all"
                )
            }
            if let unit = line.unitAmount {
                guard (0...Self.maximumUnitAmount).contains(unit) else {
                    throw ACPDecodingError(
                        code: .typeMismatch,
                        path: "\(path).unit_amount",
                        message: "unit_amount must be from 0 to \(Self.maximumUnitAmount)"
                    )
                }
                guard unitAmounts[line.id, default: unit] == unit else {
                    throw ACPDecodingError(
                        code: .typeMismatch,
                        path: "\(path).unit_amount",
                        message: "lines of one item must have the same unit_amount"
                    )
                }
                unitAmounts[line.id] = unit
            }
        }
        guard (try? self.canonicalJSON.canonicalized()) != nil else {
            throw ACPDecodingError(
                code: .typeMismatch,
                path: "$",
                message: "the cart holds a number JSON cannot carry (NaN or infinity)"
            )
        }
        guard self.currency.count == 3, self.currency.allSatisfy(\.isLetter) else {
            throw ACPDecodingError(
                code: .typeMismatch,
                path: "$.currency",
                message: "currency must be a three-letter ISO 4217 code"
            )
        }
    }
}
