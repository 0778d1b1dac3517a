import AgentRetry

/// 2025-09-29: `items` (`{id, quantity}`), a flat `fulfillment_address`, `fulfillment_option_id`
/// and `payment_data: {token, provider, billing_address?}`.
struct FulfillmentAddressRequestParser: ACPRequestParser {
    func create(_ body: JSONValue) throws(RequestProblem) -> SessionChanges {
        var changes = SessionChanges()
        changes.items = try RequestReading.items(body["items"], member: "items", withQuantity: true, in: body)
        changes.buyer = try RequestReading.object(body, "buyer")
        changes.fulfillmentDetails = try Self.details(body)
        return changes
    }

    func update(_ body: JSONValue) throws(RequestProblem) -> SessionChanges {
        var changes = SessionChanges()
        if body["items"] != nil {
            changes.items = try RequestReading.items(body["items"], member: "items", withQuantity: true, in: body)
        }
        changes.buyer = try RequestReading.object(body, "buyer")
        changes.fulfillmentDetails = try Self.details(body)
        if let value = body["fulfillment_option_id"] {
            guard let id = value.stringValue else {
                throw .invalid(["fulfillment_option_id"], message: "fulfillment_option_id must be a string")
            }
            changes.selectedOption = (
                try RequestReading.option(id, at: ["fulfillment_option_id"]), ["fulfillment_option_id"]
            )
        }
        return changes
    }

    func complete(_ body: JSONValue) throws(RequestProblem) -> PaymentSubmission {
        PaymentSubmission(token: try TokenPaymentReading.token(body), buyer: body["buyer"], authenticationOutcome: nil)
    }

    /// `fulfillment_address` kept as `fulfillment_details.address`, the model's one place for it.
    private static func details(_ body: JSONValue) throws(RequestProblem) -> JSONValue? {
        guard let address = try RequestReading.object(body, "fulfillment_address") else { return nil }
        guard address != .null else { return .null }
        var details: [String: JSONValue] = ["address": address]
        if let name = address["name"] { details["name"] = name }
        return .object(details)
    }
}
