import AgentRetry

/// What the parsers share: items against the catalog, and members of a given type.
enum RequestReading {
    /// An item list: `items` (`{id, quantity}`) or `line_items` (`{id}`, a repeated id adds one).
    static func items(
        _ value: JSONValue?,
        member: String,
        withQuantity: Bool,
        in body: JSONValue
    ) throws(RequestProblem) -> [SessionChanges.ItemReference] {
        guard let value else {
            throw .missing([.string(member)], message: "\(member) must be a non-empty array", in: body)
        }
        guard let list = value.arrayValue, !list.isEmpty else {
            throw .invalid([.string(member)], message: "\(member) must be a non-empty array")
        }
        var items: [SessionChanges.ItemReference] = []
        for (index, item) in list.enumerated() {
            let location: [JSONValue] = [.string(member), .number(Double(index))]
            guard let id = item["id"]?.stringValue else {
                throw .missing(location + ["id"], message: "\(member)[\(index)].id is required", in: item)
            }
            let quantity = try Self.quantity(item, at: location, required: withQuantity, member: member)
            guard let product = ACPCatalog.products[id] else {
                throw RequestProblem(
                    kind: .unknownItem,
                    location: location + ["id"],
                    message: "Item \(id) does not exist",
                    input: .string(id)
                )
            }
            if let existing = items.firstIndex(where: { $0.product.id == id }) {
                items[existing].quantity += quantity
            } else {
                items.append(SessionChanges.ItemReference(product: product, quantity: quantity, location: location))
            }
        }
        return items
    }

    private static func quantity(
        _ item: JSONValue,
        at location: [JSONValue],
        required: Bool,
        member: String
    ) throws(RequestProblem) -> Int {
        guard required else { return 1 }
        let index = location.last?.integerValue ?? 0
        guard let value = item["quantity"] else {
            throw .missing(location + ["quantity"], message: "\(member)[\(index)].quantity is required", in: item)
        }
        guard case .number(let number) = value, number >= 1, number == number.rounded(), number <= 1_000 else {
            throw .invalid(
                location + ["quantity"],
                message: "\(member)[\(index)].quantity must be a whole number from 1 to 1000"
            )
        }
        return Int(number)
    }

    /// A member that must be an object when present.
    static func object(_ body: JSONValue, _ member: String) throws(RequestProblem) -> JSONValue? {
        guard let value = body[member] else { return nil }
        guard value == .null || value.objectValue != nil else {
            throw .invalid([.string(member)], message: "\(member) must be an object")
        }
        return value
    }

    /// Checks that a shipping option id is one the merchant offers.
    static func option(_ id: String, at location: [JSONValue]) throws(RequestProblem) -> String {
        guard ACPCatalog.shippingOptions(subtotal: 0).contains(where: { $0.id == id }) else {
            throw RequestProblem(kind: .unknownOption, location: location, message: "Unknown fulfillment option \(id)")
        }
        return id
    }
}
