import AgentRetry
import Foundation

/// An ACP checkout session as the mock merchant keeps it, in no version's shape: each version's
/// renderer (``ACPSessionRenderer``) shows it.
struct CheckoutSession {
    struct Line {
        let product: ACPCatalog.Product
        var quantity: Int
    }

    var id: String
    /// The version the session was created in: what a merchant that ignores `API-Version` answers in.
    var version: ACPVersion = .v20260417
    var status: String
    var currency: String
    var lines: [Line]
    var buyer: JSONValue?
    var fulfillmentDetails: JSONValue?
    var selectedShippingOption: String?
    var metadata: JSONValue?
    var messages: [JSONValue] = []
    /// The order's id once the session is completed.
    var orderID: String?
    /// The order's status (`created`, `shipped`, ...), which the admin API changes.
    var orderStatus = "created"
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

    /// The line items' ids: `li_1`, `li_2`, ... in order.
    func lineItemID(_ index: Int) -> String { "li_\(index + 1)" }

    /// The ids of the line items that are shipped.
    var physicalLineItemIDs: [JSONValue] {
        self.lines.enumerated().filter { !$0.element.product.digital }.map { .string(self.lineItemID($0.offset)) }
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
}
