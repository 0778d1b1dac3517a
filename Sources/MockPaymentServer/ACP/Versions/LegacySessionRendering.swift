import AgentRetry
import Foundation

/// What the 2025-09-29 to 2026-01-16 renderers share: flat line-item amounts, the closed status
/// enum, Stripe as `payment_provider`, and members cut to those closed schemas.
enum LegacySessionRendering {
    /// The status in a version without `expired`, `complete_in_progress` or (2025-09-29)
    /// `authentication_required`: an expired session shows as `canceled`.
    static func status(_ status: String, hasAuthentication: Bool) -> JSONValue {
        switch status {
        case "expired": "canceled"
        case "complete_in_progress": "in_progress"
        case "authentication_required" where !hasAuthentication: "not_ready_for_payment"
        default: .string(status)
        }
    }

    /// `{id, item: {id, quantity}, base_amount, discount, subtotal, tax, total}`, with `name` and
    /// `unit_amount` from 2025-12-12 on.
    static func lineItems(_ session: CheckoutSession, named: Bool) -> [JSONValue] {
        session.lines.enumerated().map { index, line in
            let (base, tax) = SessionRendering.amounts(of: line)
            var item: [String: JSONValue] = [
                "id": .string(session.lineItemID(index)),
                "item": ["id": .string(line.product.id), "quantity": .number(Double(line.quantity))],
                "base_amount": .number(Double(base)), "discount": 0, "subtotal": .number(Double(base)),
                "tax": .number(Double(tax)), "total": .number(Double(base + tax)),
            ]
            if named {
                item["name"] = .string(line.product.name)
                item["unit_amount"] = .number(Double(line.product.unitAmount))
            }
            return .object(item)
        }
    }

    /// The messages with params pointing into this version's request shape.
    static func messages(_ messages: [JSONValue], addressParam: String) -> [JSONValue] {
        messages.map { message in
            guard var object = message.objectValue, let param = object["param"]?.stringValue else { return message }
            let rewritten =
                param == "$.fulfillment_details.address"
                ? addressParam : param.replacingOccurrences(of: "$.line_items[", with: "$.items[")
            object["param"] = .string(rewritten)
            return .object(object)
        }
    }

    /// The members every legacy session has.
    static func base(_ session: CheckoutSession, baseURL: String) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(session.id), "currency": .string(session.currency),
            "totals": .array(SessionRendering.totals(of: session)), "links": SessionRendering.links(baseURL),
        ]
        if let buyer = Self.buyer(session.buyer) { object["buyer"] = buyer }
        if let orderID = session.orderID {
            object["order"] = .object(SessionRendering.plainOrder(session, id: orderID, baseURL: baseURL))
        }
        return object
    }

    /// `Buyer` of 2025-09-29 to 2026-01-16: first and last name and email required, nothing else.
    static func buyer(_ buyer: JSONValue?) -> JSONValue? {
        SessionRendering.filtered(
            buyer,
            keys: ["first_name", "last_name", "email", "phone_number"],
            required: ["first_name", "last_name", "email"]
        )
    }

    /// `Address` of 2025-09-29 to 2026-01-16.
    static func address(_ address: JSONValue?) -> JSONValue? {
        let required: Set<String> = ["name", "line_one", "city", "state", "country", "postal_code"]
        return SessionRendering.filtered(address, keys: required.union(["line_two"]), required: required)
    }
}
