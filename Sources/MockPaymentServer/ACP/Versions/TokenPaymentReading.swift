import AgentRetry

/// `payment_data: {token, provider}`.
struct FulfillmentDetailsRequestParser: ACPRequestParser {
    func create(_ body: JSONValue) throws(RequestProblem) -> SessionChanges {
        var changes = SessionChanges()
        changes.items = try RequestReading.items(body["items"], member: "items", withQuantity: true, in: body)
        changes.buyer = try RequestReading.object(body, "buyer")
        changes.fulfillmentDetails = try RequestReading.object(body, "fulfillment_details")
        return changes
    }

    func update(_ body: JSONValue) throws(RequestProblem) -> SessionChanges {
        var changes = SessionChanges()
        if body["items"] != nil {
            changes.items = try RequestReading.items(body["items"], member: "items", withQuantity: true, in: body)
        }
        changes.buyer = try RequestReading.object(body, "buyer")
        changes.fulfillmentDetails = try RequestReading.object(body, "fulfillment_details")
        let options = body["selected_fulfillment_options"]?.arrayValue ?? []
        if let index = options.firstIndex(where: { $0["type"] == "shipping" }) {
            let location: [JSONValue] = [
                "selected_fulfillment_options", .number(Double(index)), "shipping", "option_id",
            ]
            guard let id = options[index]["shipping"]?["option_id"]?.stringValue else {
                throw .missing(location, message: "shipping.option_id is required", in: options[index])
            }
            changes.selectedOption = (try RequestReading.option(id, at: location), location)
        }
        return changes
    }

    func complete(_ body: JSONValue) throws(RequestProblem) -> PaymentSubmission {
        let token = try TokenPaymentReading.token(body)
        return PaymentSubmission(
            token: token,
            buyer: body["buyer"],
            authenticationOutcome: body["authentication_result"]?["outcome"]?.stringValue
        )
    }
}

/// `payment_data: {token, provider}`, as 2025-09-29 to 2026-01-16 send it.
enum TokenPaymentReading {
    static func token(_ body: JSONValue) throws(RequestProblem) -> String {
        guard let payment = body["payment_data"] else {
            throw .missing(["payment_data"], message: "payment_data is required", in: body)
        }
        guard let token = payment["token"]?.stringValue else {
            throw .missing(["payment_data", "token"], message: "payment_data.token is required", in: payment)
        }
        guard let provider = payment["provider"] else {
            throw .missing(["payment_data", "provider"], message: "payment_data.provider is required", in: payment)
        }
        guard provider == "stripe" else {
            throw .invalid(["payment_data", "provider"], message: "payment_data.provider must be stripe")
        }
        return token
    }
}
