import AgentRetry

extension ACPWireShape {
    /// Which request a member set is for.
    enum Operation { case create, update, complete }

    /// The top-level members `operation`'s request defines in a token family (2025-09-29 to 2026-01-16).
    static func tokenFamilyMembers(_ operation: Operation, _ family: ACPVersion.Family) -> Set<String> {
        let addressFamily = family == .fulfillmentAddress
        switch operation {
        case .create:
            return addressFamily
                ? ["buyer", "items", "fulfillment_address"]
                : ["buyer", "items", "fulfillment_details", "affiliate_attribution"]
        case .update:
            return addressFamily
                ? ["buyer", "items", "fulfillment_address", "fulfillment_option_id"]
                : ["buyer", "items", "fulfillment_details", "selected_fulfillment_options"]
        case .complete:
            return addressFamily
                ? ["buyer", "payment_data"]
                : ["buyer", "payment_data", "authentication_result", "affiliate_attribution"]
        }
    }

    /// A 2026-04-17 request's members in a token family's shape. Members the family's request does not
    /// define are dropped; a member already in the older shape (such as `items` of a request decoded from
    /// an older version) is kept when nothing replaced it. `payment_data` is the caller's.
    static func tokenFamilyRequest(
        _ members: [String: JSONValue],
        operation: Operation,
        family: ACPVersion.Family
    ) -> [String: JSONValue] {
        let allowed = Self.tokenFamilyMembers(operation, family)
        var wire: [String: JSONValue] = [:]
        if let lineItems = members["line_items"] { wire["items"] = Self.items(fromLineItems: lineItems) }
        if let buyer = members["buyer"] { wire["buyer"] = Self.legacyBuyer(buyer) }
        if let details = members["fulfillment_details"] {
            if family == .fulfillmentAddress {
                wire["fulfillment_address"] = Self.fulfillmentAddress(fromDetails: details)
            } else {
                wire["fulfillment_details"] = Self.legacyDetails(details)
            }
        }
        if let selections = members["selected_fulfillment_options"] {
            if family == .fulfillmentAddress {
                wire["fulfillment_option_id"] = Self.fulfillmentOptionID(fromSelections: selections)
            } else {
                wire["selected_fulfillment_options"] = Self.nestedSelections(selections)
            }
        }
        for name in allowed where wire[name] == nil {
            wire[name] = members[name]
        }
        return wire.filter { allowed.contains($0.key) }
    }

    /// 2025-09-29 to 2026-01-16's `payment_data`: `{token, provider, billing_address?}`.
    static func tokenPaymentData(_ paymentData: JSONValue?, provider: String?) -> JSONValue {
        var wire: [String: JSONValue] = [:]
        let token = paymentData?["instrument"]?["credential"]?["token"] ?? paymentData?["token"]
        wire["token"] = token
        wire["provider"] = .string(provider ?? paymentData?["provider"]?.stringValue ?? "stripe")
        if let address = paymentData?["billing_address"], address != .null {
            wire["billing_address"] = Self.legacyAddress(address)
        }
        return .object(wire)
    }

    /// A request's members for 2026-01-30: today's JSON without what only 2026-04-17 defines
    /// (`order_notes`, `marketing_consents`, `Address.company`, `PaymentHandler.display_name` and
    /// `display_order`).
    static func handlerFamily20260130(_ members: [String: JSONValue]) -> [String: JSONValue] {
        var wire = members.filter { !Self.requestMembersAdded20260417.contains($0.key) }
        if case .object(var details) = wire["fulfillment_details"], let address = details["address"] {
            details["address"] = Self.withoutCompany(address)
            wire["fulfillment_details"] = .object(details)
        }
        if case .object(var payment) = wire["payment_data"], let address = payment["billing_address"] {
            payment["billing_address"] = Self.withoutCompany(address)
            wire["payment_data"] = .object(payment)
        }
        if let capabilities = wire["capabilities"] { wire["capabilities"] = Self.withoutHandlerDisplay(capabilities) }
        return wire
    }

    static func withoutCompany(_ address: JSONValue) -> JSONValue {
        guard case .object(var members) = address else { return address }
        members["company"] = nil
        return .object(members)
    }

    static func withoutHandlerDisplay(_ capabilities: JSONValue) -> JSONValue {
        guard case .object(var members) = capabilities, case .object(var payment) = members["payment"],
            case .array(let handlers) = payment["handlers"]
        else { return capabilities }
        payment["handlers"] = .array(
            handlers.map { handler in
                guard case .object(let fields) = handler else { return handler }
                return .object(fields.filter { !Self.handlerMembersAdded20260417.contains($0.key) })
            }
        )
        members["payment"] = .object(payment)
        return .object(members)
    }

    /// The wire JSON of a request for `version`: the token families' shapes, 2026-01-30's, or the members
    /// as they are (2026-04-17 and newer).
    static func encoded(
        _ members: [String: JSONValue],
        operation: Operation,
        version: ACPVersion,
        provider: String? = nil
    ) -> JSONValue {
        let family = version.family
        guard family.usesPaymentToken else {
            return .object(version < .v2026_04_17 ? Self.handlerFamily20260130(members) : members)
        }
        var wire = Self.tokenFamilyRequest(members, operation: operation, family: family)
        if operation == .complete {
            wire["payment_data"] = Self.tokenPaymentData(members["payment_data"], provider: provider)
        }
        return .object(wire)
    }
}
