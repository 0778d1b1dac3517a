import AgentRetry

/// 2025-09-29: `payment_provider` with card as a string, a flat `fulfillment_address`,
/// `fulfillment_option_id`, and options with `subtotal`, `tax` and `total`.
struct FulfillmentAddressSessionRenderer: ACPSessionRenderer {
    func session(_ session: CheckoutSession, baseURL: String) -> JSONValue {
        var object = LegacySessionRendering.base(session, baseURL: baseURL)
        object["status"] = LegacySessionRendering.status(session.status, hasAuthentication: false)
        object["payment_provider"] = ["provider": "stripe", "supported_payment_methods": ["card"]]
        object["line_items"] = .array(LegacySessionRendering.lineItems(session, named: false))
        object["messages"] = .array(
            LegacySessionRendering.messages(session.messages, addressParam: "$.fulfillment_address")
        )
        object["fulfillment_options"] = .array(
            SessionRendering.shippingOptions(of: session).map { option in
                [
                    "type": "shipping", "id": .string(option.id), "title": .string(option.title),
                    "subtotal": .number(Double(option.amount)), "tax": 0, "total": .number(Double(option.amount)),
                ]
            }
        )
        if let address = LegacySessionRendering.address(session.fulfillmentDetails?["address"]) {
            object["fulfillment_address"] = address
        }
        if let selected = session.selectedShippingOption, session.needsShipping {
            object["fulfillment_option_id"] = .string(selected)
        }
        return .object(object)
    }
}
