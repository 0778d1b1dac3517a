import AgentRetry
import Foundation

/// The pieces every version's session shares: totals, links, amounts.
enum SessionRendering {
    static func total(_ type: String, _ text: String, _ amount: Int) -> JSONValue {
        ["type": .string(type), "display_text": .string(text), "amount": .number(Double(amount))]
    }

    /// A line's amount before tax and its tax.
    static func amounts(of line: CheckoutSession.Line) -> (base: Int, tax: Int) {
        let base = line.product.unitAmount * line.quantity
        return (base, ACPCatalog.tax(on: base))
    }

    /// The session's totals: goods, shipping when anything ships, tax and the total.
    static func totals(of session: CheckoutSession) -> [JSONValue] {
        let goods = session.goodsAmount
        let shipping = session.shippingAmount
        let tax = ACPCatalog.tax(on: goods + shipping)
        var totals: [JSONValue] = [
            Self.total("items_base_amount", "Items", goods), Self.total("subtotal", "Subtotal", goods),
        ]
        if session.needsShipping { totals.append(Self.total("fulfillment", "Shipping", shipping)) }
        totals += [Self.total("tax", "Tax", tax), Self.total("total", "Total", goods + shipping + tax)]
        return totals
    }

    /// The shipping options on offer once an address is known (none otherwise).
    static func shippingOptions(of session: CheckoutSession) -> [(id: String, title: String, amount: Int)] {
        guard session.needsShipping && session.hasAddress else { return [] }
        return ACPCatalog.shippingOptions(subtotal: session.goodsAmount)
    }

    static func links(_ baseURL: String) -> JSONValue {
        [
            ["type": "terms_of_use", "url": .string("\(baseURL)/legal/terms")],
            ["type": "privacy_policy", "url": .string("\(baseURL)/legal/privacy")],
        ]
    }

    static func timestamp(_ date: Date) -> JSONValue {
        .string(ISO8601DateFormatter().string(from: date))
    }

    /// The order as 2025-09-29 to 2026-01-16 show it: `{id, checkout_session_id, permalink_url}`.
    static func plainOrder(_ session: CheckoutSession, id: String, baseURL: String) -> [String: JSONValue] {
        [
            "id": .string(id), "checkout_session_id": .string(session.id),
            "permalink_url": .string("\(baseURL)/orders/\(id)"),
        ]
    }

    /// The members of `value` that `keys` name, or `nil` when `required` ones are missing.
    static func filtered(_ value: JSONValue?, keys: Set<String>, required: Set<String> = []) -> JSONValue? {
        guard let members = value?.objectValue else { return nil }
        let kept = members.filter { keys.contains($0.key) }
        return required.isSubset(of: kept.keys) ? .object(kept) : nil
    }
}
