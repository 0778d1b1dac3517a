import AgentRetry

extension CheckoutSession {
    /// The ids of the selected fulfillment options, whatever the version's shape: flat
    /// `selected_fulfillment_options[].option_id`, nested `[].<type>.option_id` (2025-12-12,
    /// 2026-01-16) or the single `fulfillment_option_id` (2025-09-29).
    public var selectedFulfillmentOptionIDs: [String] {
        self.selectedFulfillmentOptions.map(\.optionID).filter { !$0.isEmpty }
    }

    /// `payment_provider.provider`, such as `stripe` (2025-09-29 to 2026-01-16).
    public var paymentProvider: String? { self.members["payment_provider"]?["provider"]?.stringValue }

    /// `protocol.version`, when the merchant sends it (2026-01-30 and later).
    public var protocolVersion: ACPVersion? {
        self.members["protocol"]?["version"]?.stringValue.map(ACPVersion.init(rawValue:))
    }

    /// 2025-09-29's `fulfillment_address` as details: the address, and its name.
    var detailsFromAddress: FulfillmentDetails? {
        guard let address: ACPAddress = self.value("fulfillment_address") else { return nil }
        var details = FulfillmentDetails(uncheckedMembers: ["address": address.acpJSON])
        if !address.name.isEmpty { details.name = address.name }
        return details
    }

    /// 2025-09-29's `fulfillment_option_id` as a selection, typed after the option it names
    /// (`shipping` when no option has that id), for every line item.
    var selectedOptionFromID: SelectedFulfillmentOption? {
        guard let id: String = self.value("fulfillment_option_id") else { return nil }
        let kind = self.fulfillmentOptions.first { $0.id == id }?.kind ?? .shipping
        return SelectedFulfillmentOption(kind: kind, optionID: id, itemIDs: self.lineItems.map(\.id))
    }
}
