import AgentRetry

extension CheckoutSessionCreateRequest {
    /// The body to send to a merchant speaking `version`: the same request in that version's shape.
    ///
    /// - 2026-04-17 and newer: every member as it is.
    /// - 2026-01-30: every member but `order_notes`; `company` is dropped from
    ///   `fulfillment_details.address`, and `display_name`/`display_order` from
    ///   `capabilities.payment.handlers[]`.
    /// - 2025-12-12 and 2026-01-16: `line_items` become `items` (one `{id, quantity}` per id, in order of
    ///   first appearance, the quantity counting the entries); `buyer` keeps `first_name`, `last_name`
    ///   (split from `full_name` when absent), `email`, `phone_number`; `fulfillment_details` keeps
    ///   `name`, `phone_number`, `email`, `address` (without `company`); `affiliate_attribution` is kept.
    /// - 2025-09-29: as above, but `fulfillment_details` becomes `fulfillment_address` (its address, named
    ///   after the details when it has no name) and `affiliate_attribution` is dropped.
    ///
    /// In the token families everything else is dropped (`currency`, `capabilities`, `metadata`,
    /// `fulfillment_groups`, `coupons`, `discounts`, `locale`, `timezone`, `quote_id`, `order_notes`,
    /// unknown members): their requests forbid unknown fields. The result depends only on the request
    /// and the version, so it can be hashed into an idempotency key.
    public func encoded(for version: ACPVersion) -> JSONValue {
        ACPWireShape.encoded(self.members, operation: .create, version: version)
    }
}
