import AgentRetry

/// What a merchant that ignores `API-Version` goes by: the versions whose shape a body has.
enum ACPRequestShape {
    /// The versions `body` could be, in order of preference (a tie goes to the newer of a family),
    /// or `nil` when nothing in it tells (a cancel, an update of the buyer only).
    static func candidates(_ body: JSONValue, kind: ACPRequestKind) -> [ACPVersion]? {
        switch kind {
        case .create, .update:
            if body["fulfillment_address"] != nil || body["fulfillment_option_id"] != nil { return [.v20250929] }
            if body["line_items"] != nil || body["currency"] != nil || body["capabilities"] != nil {
                return [.v20260417, .v20260130]
            }
            if body["items"] != nil { return [.v20260116, .v20251212, .v20250929] }
            if let options = body["selected_fulfillment_options"]?.arrayValue, let first = options.first {
                return first["shipping"] != nil ? [.v20260116, .v20251212] : [.v20260417, .v20260130]
            }
            return kind == .create ? [] : nil
        case .complete:
            let payment = body["payment_data"]
            if payment?["handler_id"] != nil || payment?["instrument"] != nil { return [.v20260417, .v20260130] }
            if payment?["token"] != nil { return [.v20260116, .v20251212, .v20250929] }
            return nil
        case .cancel:
            return nil
        }
    }
}
