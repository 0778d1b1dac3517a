import AgentRetry
import Foundation

/// An ACP checkout session as the mock merchant keeps it.
struct CheckoutSession {
    struct Line {
        let product: ACPCatalog.Product
        var quantity: Int
    }

    var id: String
    var status: String
    var currency: String
    var lines: [Line]
    var buyer: JSONValue?
    var fulfillmentDetails: JSONValue?
    var selectedShippingOption: String?
    var metadata: JSONValue?
    var messages: [JSONValue] = []
    var order: JSONValue?
    var createdAt: Date
    var updatedAt: Date
    var expiresAt: Date

    var isTerminal: Bool { ["completed", "canceled", "expired"].contains(self.status) }
    var taskID: String? { self.metadata?["task_id"]?.stringValue }

    var hasAddress: Bool { self.fulfillmentDetails?["address"]?.objectValue != nil }
    var needsShipping: Bool { self.lines.contains { !$0.product.digital } }
    var goodsAmount: Int { self.lines.reduce(0) { $0 + $1.product.unitAmount * $1.quantity } }

    var shippingAmount: Int {
        guard self.needsShipping, let selected = self.selectedShippingOption else { return 0 }
        return ACPCatalog.shippingOptions(subtotal: self.goodsAmount).first { $0.id == selected }?.amount ?? 0
    }

    var totalAmount: Int {
        let beforeTax = self.goodsAmount + self.shippingAmount
        return beforeTax + ACPCatalog.tax(on: beforeTax)
    }

    /// Recomputes messages and status from the lines and fulfillment details.
    mutating func refresh() {
        guard !self.isTerminal, self.status != "authentication_required" else { return }
        var messages: [JSONValue] = []
        for (index, line) in self.lines.enumerated() where !line.product.inStock {
            messages.append([
                "type": "error", "code": "out_of_stock", "param": .string("$.line_items[\(index)]"),
                "content_type": "plain", "content": .string("\(line.product.name) is out of stock."),
            ])
        }
        if self.needsShipping && !self.hasAddress {
            messages.append([
                "type": "info", "param": "$.fulfillment_details.address", "content_type": "plain",
                "content": "Add a shipping address to see delivery options.",
            ])
        }
        if self.needsShipping && self.hasAddress && self.selectedShippingOption == nil {
            self.selectedShippingOption = "ship_standard"
        }
        self.messages = messages
        let blocked = messages.contains { $0["type"] == "error" } || (self.needsShipping && !self.hasAddress)
        self.status = blocked ? "not_ready_for_payment" : "ready_for_payment"
    }

    private func total(_ type: String, _ text: String, _ amount: Int) -> JSONValue {
        ["type": .string(type), "display_text": .string(text), "amount": .number(Double(amount))]
    }

    /// The session as ACP 2026-04-17 shows it (`CheckoutSession`, or `CheckoutSessionWithOrder`).
    func json(baseURL: String) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        let lineItems: [JSONValue] = self.lines.enumerated().map { index, line in
            let base = line.product.unitAmount * line.quantity
            let tax = ACPCatalog.tax(on: base)
            return [
                "id": .string("li_\(index + 1)"), "item": ["id": .string(line.product.id)],
                "quantity": .number(Double(line.quantity)), "name": .string(line.product.name),
                "unit_amount": .number(Double(line.product.unitAmount)),
                "availability_status": .string(line.product.inStock ? "in_stock" : "out_of_stock"),
                "totals": [
                    self.total("items_base_amount", "Base Amount", base), self.total("subtotal", "Subtotal", base),
                    self.total("tax", "Tax", tax), self.total("total", "Total", base + tax),
                ],
            ]
        }
        let goods = self.goodsAmount
        let shipping = self.shippingAmount
        let tax = ACPCatalog.tax(on: goods + shipping)
        var totals: [JSONValue] = [
            self.total("items_base_amount", "Items", goods), self.total("subtotal", "Subtotal", goods),
        ]
        if self.needsShipping { totals.append(self.total("fulfillment", "Shipping", shipping)) }
        totals += [self.total("tax", "Tax", tax), self.total("total", "Total", goods + shipping + tax)]

        var options: [JSONValue] = []
        if self.needsShipping && self.hasAddress {
            options = ACPCatalog.shippingOptions(subtotal: goods).map { option in
                [
                    "type": "shipping", "id": .string(option.id), "title": .string(option.title),
                    "totals": [
                        self.total("fulfillment", "Shipping", option.amount),
                        self.total("total", "Total", option.amount),
                    ],
                ]
            }
        }
        var object: [String: JSONValue] = [
            "id": .string(self.id), "protocol": ["version": "2026-04-17"], "status": .string(self.status),
            "currency": .string(self.currency), "line_items": .array(lineItems), "totals": .array(totals),
            "fulfillment_options": .array(options), "messages": .array(self.messages),
            "links": [
                ["type": "terms_of_use", "url": .string("\(baseURL)/legal/terms")],
                ["type": "privacy_policy", "url": .string("\(baseURL)/legal/privacy")],
            ],
            "capabilities": ["payment": ["handlers": [Self.cardHandler]]],
            "created_at": .string(formatter.string(from: self.createdAt)),
            "updated_at": .string(formatter.string(from: self.updatedAt)),
            "expires_at": .string(formatter.string(from: self.expiresAt)),
        ]
        if let buyer { object["buyer"] = buyer }
        if let fulfillmentDetails { object["fulfillment_details"] = fulfillmentDetails }
        if let metadata { object["metadata"] = metadata }
        if let selected = self.selectedShippingOption, self.needsShipping {
            let physical = self.lines.enumerated().filter { !$0.element.product.digital }.map {
                JSONValue.string("li_\($0.offset + 1)")
            }
            object["selected_fulfillment_options"] = [
                ["type": "shipping", "option_id": .string(selected), "item_ids": .array(physical)]
            ]
        }
        if let order { object["order"] = order }
        return .object(object)
    }

    /// The one payment handler the mock merchant offers: tokenized cards through Stripe.
    static let cardHandler: JSONValue = [
        "id": "card_tokenized", "name": "dev.acp.tokenized.card", "version": "2026-01-22",
        "spec": "https://acp.dev/handlers/tokenized.card", "requires_delegate_payment": true,
        "requires_pci_compliance": false, "psp": "stripe",
        "config_schema": "https://acp.dev/schemas/handlers/tokenized.card/config.json",
        "instrument_schemas": ["https://acp.dev/schemas/handlers/tokenized.card/instrument.json"],
        "config": ["merchant_id": "acct_mock", "psp": "stripe", "supports_3ds": true],
    ]
}
