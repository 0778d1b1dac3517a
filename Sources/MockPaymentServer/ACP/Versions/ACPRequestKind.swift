/// The ACP requests that carry a body, and the top-level members each version's schema allows
/// (`additionalProperties: false` in every released version) and requires.
enum ACPRequestKind: Sendable {
    case create
    case update
    case complete
    case cancel

    /// The members a version's request schema declares.
    func allowedMembers(in version: ACPVersion) -> [String] {
        switch (self, version.family) {
        case (.create, .fulfillmentAddress): ["buyer", "items", "fulfillment_address"]
        case (.update, .fulfillmentAddress): ["buyer", "items", "fulfillment_address", "fulfillment_option_id"]
        case (.complete, .fulfillmentAddress): ["buyer", "payment_data"]
        case (.cancel, .fulfillmentAddress): []
        case (.create, .fulfillmentDetails): ["buyer", "items", "fulfillment_details", "affiliate_attribution"]
        case (.update, .fulfillmentDetails): ["buyer", "items", "fulfillment_details", "selected_fulfillment_options"]
        case (.complete, .fulfillmentDetails):
            ["buyer", "payment_data", "authentication_result", "affiliate_attribution"]
        case (.create, .handlers):
            [
                "buyer", "line_items", "currency", "fulfillment_details", "capabilities", "fulfillment_groups",
                "affiliate_attribution", "coupons", "discounts", "locale", "timezone", "quote_id", "metadata",
            ] + (version == .v20260417 ? ["order_notes"] : [])
        case (.update, .handlers):
            [
                "buyer", "line_items", "fulfillment_details", "fulfillment_groups", "selected_fulfillment_options",
                "coupons", "discounts",
            ] + (version == .v20260417 ? ["order_notes"] : [])
        case (.complete, .handlers):
            ["buyer", "payment_data", "authentication_result", "affiliate_attribution", "risk_signals"]
                + (version == .v20260417 ? ["marketing_consents", "order_notes"] : [])
        case (.cancel, .fulfillmentDetails), (.cancel, .handlers): ["intent_trace"]
        }
    }

    /// The members a version's request schema requires, in the schema's order.
    func requiredMembers(in version: ACPVersion) -> [String] {
        switch (self, version.family) {
        case (.create, .handlers): ["line_items", "currency", "capabilities"]
        case (.create, _): ["items"]
        case (.complete, _): ["payment_data"]
        case (.update, _), (.cancel, _): []
        }
    }
}
