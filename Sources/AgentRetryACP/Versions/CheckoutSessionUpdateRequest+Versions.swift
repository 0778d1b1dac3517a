import AgentRetry

extension CheckoutSessionUpdateRequest {
    /// The body to send to a merchant speaking `version`: the same update in that version's shape.
    ///
    /// - 2026-04-17 and newer: every member as it is.
    /// - 2026-01-30: every member but `order_notes`; `company` is dropped from
    ///   `fulfillment_details.address`.
    /// - 2025-12-12 and 2026-01-16: `line_items`, `buyer` and `fulfillment_details` as in
    ///   ``CheckoutSessionCreateRequest/encoded(for:)``; `selected_fulfillment_options` are nested by
    ///   type: `{type, <type>: {option_id, item_ids}}`.
    /// - 2025-09-29: `fulfillment_details` becomes `fulfillment_address`, and the first selection's
    ///   option id becomes `fulfillment_option_id` (the version selects one option per session).
    ///
    /// In the token families everything else is dropped (`fulfillment_groups`, `coupons`, `discounts`,
    /// `order_notes`, unknown members). A member set to `null` ("clear it") stays `null` under its new name.
    public func encoded(for version: ACPVersion) -> JSONValue {
        ACPWireShape.encoded(self.members, operation: .update, version: version)
    }
}
