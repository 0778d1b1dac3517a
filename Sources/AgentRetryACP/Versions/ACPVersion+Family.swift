extension ACPVersion {
    /// The request shapes a group of ACP versions share.
    public struct Family: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable { case fulfillmentAddress, nestedSelection, paymentHandlers }
        let base: Base

        /// 2025-09-29: `items` with quantities, a flat `fulfillment_address`, one `fulfillment_option_id`,
        /// `payment_data: {token, provider}`.
        public static let fulfillmentAddress = Family(base: .fulfillmentAddress)
        /// 2025-12-12 and 2026-01-16: `items`, `fulfillment_details`, `selected_fulfillment_options` nested
        /// by type (`{type, shipping: {option_id, item_ids}}`), `payment_data: {token, provider}`.
        public static let nestedSelection = Family(base: .nestedSelection)
        /// 2026-01-30 and later: `line_items`, `currency`, `capabilities`, flat selections and
        /// `payment_data: {handler_id, instrument}`.
        public static let paymentHandlers = Family(base: .paymentHandlers)

        /// Whether requests carry a payment token and name the provider (`payment_data: {token, provider}`)
        /// rather than a payment handler.
        public var usesPaymentToken: Bool { self != .paymentHandlers }

        /// The family's name.
        public var description: String { "\(self.base)" }
    }
}
