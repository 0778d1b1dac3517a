import AgentRetry

/// 2026-01-30 and 2026-04-17: `line_items` with `totals`, `capabilities` with payment handlers,
/// flat `selected_fulfillment_options`, `protocol.version`, and the order with `status`.
struct HandlerSessionRenderer: ACPSessionRenderer {
    let version: ACPVersion

    func session(_ session: CheckoutSession, baseURL: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(session.id), "protocol": ["version": .string(self.version.rawValue)],
            "status": .string(session.status), "currency": .string(session.currency),
            "line_items": .array(self.lineItems(session)), "totals": .array(SessionRendering.totals(of: session)),
            "fulfillment_options": .array(self.options(session)), "messages": .array(session.messages),
            "links": SessionRendering.links(baseURL),
            "capabilities": ["payment": ["handlers": [Self.cardHandler]]],
            "created_at": SessionRendering.timestamp(session.createdAt),
            "updated_at": SessionRendering.timestamp(session.updatedAt),
            "expires_at": SessionRendering.timestamp(session.expiresAt),
        ]
        if let buyer = session.buyer { object["buyer"] = buyer }
        if let details = session.fulfillmentDetails { object["fulfillment_details"] = details }
        if let metadata = session.metadata { object["metadata"] = metadata }
        if let selected = session.selectedShippingOption, session.needsShipping {
            object["selected_fulfillment_options"] = [
                ["type": "shipping", "option_id": .string(selected), "item_ids": .array(session.physicalLineItemIDs)]
            ]
        }
        if let orderID = session.orderID { object["order"] = self.order(session, id: orderID, baseURL: baseURL) }
        return .object(object)
    }

    func lineItems(_ session: CheckoutSession) -> [JSONValue] {
        session.lines.enumerated().map { index, line in
            let (base, tax) = SessionRendering.amounts(of: line)
            return [
                "id": .string(session.lineItemID(index)), "item": ["id": .string(line.product.id)],
                "quantity": .number(Double(line.quantity)), "name": .string(line.product.name),
                "unit_amount": .number(Double(line.product.unitAmount)),
                "availability_status": .string(line.product.inStock ? "in_stock" : "out_of_stock"),
                "totals": [
                    SessionRendering.total("items_base_amount", "Base Amount", base),
                    SessionRendering.total("subtotal", "Subtotal", base), SessionRendering.total("tax", "Tax", tax),
                    SessionRendering.total("total", "Total", base + tax),
                ],
            ]
        }
    }

    private func options(_ session: CheckoutSession) -> [JSONValue] {
        SessionRendering.shippingOptions(of: session).map { option in
            [
                "type": "shipping", "id": .string(option.id), "title": .string(option.title),
                "totals": [
                    SessionRendering.total("fulfillment", "Shipping", option.amount),
                    SessionRendering.total("total", "Total", option.amount),
                ],
            ]
        }
    }

    /// 2026-04-17's order has `type` and an open `status`; 2026-01-30's a closed `status` enum.
    private func order(_ session: CheckoutSession, id: String, baseURL: String) -> JSONValue {
        var order = SessionRendering.plainOrder(session, id: id, baseURL: baseURL)
        if self.version >= .v20260417 {
            order["type"] = "order"
            order["status"] = .string(session.orderStatus)
        } else {
            order["status"] = "confirmed"
        }
        return .object(order)
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
