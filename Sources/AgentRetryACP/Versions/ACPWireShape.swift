import AgentRetry

/// How a 2026-04-17 request becomes the wire JSON of an older version: the members each version's
/// request objects define (every one of them is `additionalProperties: false` in its JSON Schema) and
/// the conversions between the shapes. Pure functions: the same request and version give the same JSON.
enum ACPWireShape {
    /// The members of `Address` before 2026-04-17 (no `company`).
    static let addressMembers: Set<String> = [
        "name", "line_one", "line_two", "city", "state", "country", "postal_code",
    ]
    /// The members of `Buyer` in the token families; `first_name`, `last_name` and `email` are required.
    static let buyerMembers: Set<String> = ["first_name", "last_name", "email", "phone_number"]
    /// The members of `FulfillmentDetails` in 2025-12-12 and 2026-01-16.
    static let detailsMembers: Set<String> = ["name", "phone_number", "email", "address"]
    /// The members of `PaymentHandler` in 2026-01-30 (2026-04-17 added `display_name`, `display_order`).
    static let handlerMembersAdded20260417: Set<String> = ["display_name", "display_order"]
    /// The request members 2026-04-17 added to 2026-01-30's create, update and complete requests.
    static let requestMembersAdded20260417: Set<String> = ["order_notes", "marketing_consents"]

    /// Keeps only `names` of an object; other values (and `null`) are returned as they are.
    static func pruned(_ json: JSONValue, keeping names: Set<String>) -> JSONValue {
        guard case .object(let members) = json else { return json }
        return .object(members.filter { names.contains($0.key) })
    }

    /// `line_items` (one entry per unit) as `items`: one `{id, quantity}` per id, in order of first appearance.
    static func items(fromLineItems lineItems: JSONValue) -> JSONValue {
        guard case .array(let entries) = lineItems else { return lineItems }
        var ids: [String] = []
        var counts: [String: Int] = [:]
        for id in entries.compactMap({ $0["id"]?.stringValue }) {
            if counts[id] == nil { ids.append(id) }
            counts[id, default: 0] += 1
        }
        return .array(ids.map { ["id": .string($0), "quantity": .number(Double(counts[$0] ?? 1))] })
    }

    /// A 2026-04-17 `Buyer` as the older one: `first_name` and `last_name` (split from `full_name` when
    /// absent, "" when neither is known), `email`, `phone_number`.
    static func legacyBuyer(_ buyer: JSONValue) -> JSONValue {
        guard case .object(var members) = buyer else { return buyer }
        let fullName = members["full_name"]?.stringValue ?? ""
        let words = fullName.split(separator: " ", omittingEmptySubsequences: true)
        if members["first_name"]?.stringValue == nil {
            members["first_name"] = .string(words.first.map(String.init) ?? "")
        }
        if members["last_name"]?.stringValue == nil {
            members["last_name"] = .string(words.dropFirst().joined(separator: " "))
        }
        return Self.pruned(.object(members), keeping: Self.buyerMembers)
    }

    /// An address without the members older versions lack; `name` filled from `fallbackName` when it
    /// is absent or empty.
    static func legacyAddress(_ address: JSONValue, fallbackName: String? = nil) -> JSONValue {
        guard case .object(var members) = address else { return address }
        if let fallbackName, (members["name"]?.stringValue ?? "").isEmpty {
            members["name"] = .string(fallbackName)
        }
        return Self.pruned(.object(members), keeping: Self.addressMembers)
    }

    /// `fulfillment_details` as 2025-09-29's `fulfillment_address`: its address, named after the
    /// details when the address has no name; `null` stays `null`; details without an address give `nil`.
    static func fulfillmentAddress(fromDetails details: JSONValue) -> JSONValue? {
        if details == .null { return .null }
        guard let address = details["address"], address != .null else { return nil }
        return Self.legacyAddress(address, fallbackName: details["name"]?.stringValue)
    }

    /// `fulfillment_details` for 2025-12-12 and 2026-01-16: its four members, the address pruned.
    static func legacyDetails(_ details: JSONValue) -> JSONValue {
        guard case .object(var members) = Self.pruned(details, keeping: Self.detailsMembers) else { return details }
        if let address = members["address"] { members["address"] = Self.legacyAddress(address) }
        return .object(members)
    }

    /// Flat selections (`{type, option_id, item_ids}`) nested by type: `{type, <type>: {option_id, item_ids}}`.
    static func nestedSelections(_ selections: JSONValue) -> JSONValue {
        guard case .array(let entries) = selections else { return selections }
        return .array(
            entries.map { entry in
                guard let type = entry["type"]?.stringValue, entry[type] == nil else { return entry }
                var inner: [String: JSONValue] = [:]
                inner["option_id"] = entry["option_id"]
                inner["item_ids"] = entry["item_ids"] ?? []
                return ["type": .string(type), type: .object(inner)]
            }
        )
    }

    /// 2025-09-29's single `fulfillment_option_id`: the first selection's option id.
    static func fulfillmentOptionID(fromSelections selections: JSONValue) -> JSONValue? {
        if selections == .null { return .null }
        guard let first = selections.arrayValue?.first else { return nil }
        let id = first["option_id"] ?? first["type"]?.stringValue.flatMap { first[$0]?["option_id"] }
        return id
    }
}
