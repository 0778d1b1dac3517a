import AgentRetry

/// 2025-12-12 and 2026-01-16: `payment_provider` with card networks (and `merchant_id` from
/// 2026-01-16), `fulfillment_details`, nested `selected_fulfillment_options`, and options with
/// flat amounts (2025-12-12) or `totals` (2026-01-16).
struct FulfillmentDetailsSessionRenderer: ACPSessionRenderer {
    let version: ACPVersion

    func session(_ session: CheckoutSession, baseURL: String) -> JSONValue {
        var object = LegacySessionRendering.base(session, baseURL: baseURL)
        object["status"] = LegacySessionRendering.status(session.status, hasAuthentication: true)
        object["payment_provider"] = self.paymentProvider
        object["line_items"] = .array(LegacySessionRendering.lineItems(session, named: true))
        object["messages"] = .array(
            LegacySessionRendering.messages(session.messages, addressParam: "$.fulfillment_details.address")
        )
        object["fulfillment_options"] = .array(SessionRendering.shippingOptions(of: session).map(self.option))
        if let details = Self.details(session.fulfillmentDetails) { object["fulfillment_details"] = details }
        if let selected = session.selectedShippingOption, session.needsShipping {
            object["selected_fulfillment_options"] = [
                [
                    "type": "shipping",
                    "shipping": ["option_id": .string(selected), "item_ids": .array(session.physicalLineItemIDs)],
                ]
            ]
        }
        return .object(object)
    }

    private var paymentProvider: JSONValue {
        var provider: [String: JSONValue] = [
            "provider": "stripe",
            "supported_payment_methods": [
                ["type": "card", "supported_card_networks": ["amex", "discover", "mastercard", "visa"]]
            ],
        ]
        if self.version >= .v20260116 { provider["merchant_id"] = "acct_mock" }
        return .object(provider)
    }

    private func option(_ option: (id: String, title: String, amount: Int)) -> JSONValue {
        var object: [String: JSONValue] = [
            "type": "shipping", "id": .string(option.id), "title": .string(option.title),
        ]
        if self.version >= .v20260116 {
            object["totals"] = [
                SessionRendering.total("fulfillment", "Shipping", option.amount),
                SessionRendering.total("total", "Total", option.amount),
            ]
        } else {
            object["subtotal"] = .number(Double(option.amount))
            object["tax"] = 0
            object["total"] = .number(Double(option.amount))
        }
        return .object(object)
    }

    /// `FulfillmentDetails`: name, phone number, email and address, nothing else.
    private static func details(_ details: JSONValue?) -> JSONValue? {
        guard var kept = SessionRendering.filtered(details, keys: ["name", "phone_number", "email"])?.objectValue
        else { return nil }
        if let address = LegacySessionRendering.address(details?["address"]) { kept["address"] = address }
        return .object(kept)
    }
}
