import AgentRetry

extension CheckoutSessionCompleteRequest {
    /// The body to send to a merchant speaking `version`: the same payment in that version's shape.
    ///
    /// `session` supplies the provider for the token families (`payment_provider.provider`; `stripe`
    /// when absent).
    ///
    /// - 2026-04-17 and newer: every member as it is.
    /// - 2026-01-30: every member but `order_notes` and `marketing_consents`; `company` is dropped from
    ///   `payment_data.billing_address`.
    /// - 2025-12-12 and 2026-01-16: `payment_data` becomes `{token, provider, billing_address?}`, the token
    ///   being `instrument.credential.token` (a purchase order number has no equivalent and is dropped);
    ///   `buyer` as in ``CheckoutSessionCreateRequest/encoded(for:)``; `authentication_result` and
    ///   `affiliate_attribution` are kept.
    /// - 2025-09-29: `payment_data` and `buyer` only.
    ///
    /// In the token families everything else is dropped (`risk_signals`, `marketing_consents`,
    /// `order_notes`, unknown members).
    public func encoded(for version: ACPVersion, session: CheckoutSession?) -> JSONValue {
        ACPWireShape.encoded(self.members, operation: .complete, version: version, provider: session?.paymentProvider)
    }
}
