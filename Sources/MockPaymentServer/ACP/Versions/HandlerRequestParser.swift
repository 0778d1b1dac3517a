import AgentRetry

/// 2026-01-30 and 2026-04-17: `line_items` of `Item` (`{id}`), `currency` and `capabilities`
/// required, flat `selected_fulfillment_options`, and handler `payment_data`.
struct HandlerRequestParser: ACPRequestParser {
    func create(_ body: JSONValue) throws(RequestProblem) -> SessionChanges {
        guard let currency = body["currency"]?.stringValue else {
            throw .missing(["currency"], message: "currency is required", in: body)
        }
        guard currency.lowercased() == "usd" else {
            throw .invalid(["currency"], message: "This merchant sells in usd only")
        }
        guard body["capabilities"]?.objectValue != nil else {
            throw .missing(["capabilities"], message: "capabilities is required", in: body)
        }
        var changes = SessionChanges()
        changes.items = try RequestReading.items(
            body["line_items"],
            member: "line_items",
            withQuantity: false,
            in: body
        )
        if let metadata = body["metadata"], metadata.objectValue == nil {
            throw .invalid(["metadata"], message: "metadata must be an object")
        }
        changes.currency = "usd"
        changes.buyer = body["buyer"]
        changes.fulfillmentDetails = body["fulfillment_details"]
        changes.metadata = body["metadata"]
        return changes
    }

    func update(_ body: JSONValue) throws(RequestProblem) -> SessionChanges {
        var changes = SessionChanges()
        if body["line_items"] != nil {
            changes.items = try RequestReading.items(
                body["line_items"],
                member: "line_items",
                withQuantity: false,
                in: body
            )
        }
        changes.buyer = body["buyer"]
        changes.fulfillmentDetails = body["fulfillment_details"]
        if let selected = body["selected_fulfillment_options"]?.arrayValue?.first?["option_id"]?.stringValue {
            let location: [JSONValue] = ["selected_fulfillment_options", 0, "option_id"]
            changes.selectedOption = (try RequestReading.option(selected, at: location), location)
        }
        return changes
    }

    func complete(_ body: JSONValue) throws(RequestProblem) -> PaymentSubmission {
        let payment = body["payment_data"]
        guard let token = payment?["instrument"]?["credential"]?["token"]?.stringValue else {
            throw .missing(
                ["payment_data", "instrument", "credential", "token"],
                message: "payment_data.instrument.credential.token is required",
                in: payment?["instrument"]?["credential"] ?? body
            )
        }
        guard payment?["handler_id"]?.stringValue == "card_tokenized" else {
            throw .invalid(["payment_data", "handler_id"], message: "payment_data.handler_id must be card_tokenized")
        }
        return PaymentSubmission(
            token: token,
            buyer: body["buyer"],
            authenticationOutcome: body["authentication_result"]?["outcome"]?.stringValue
        )
    }
}
