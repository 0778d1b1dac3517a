import AgentRetry

/// Reads one version family's request bodies into the shapes the session model takes.
protocol ACPRequestParser: Sendable {
    func create(_ body: JSONValue) throws(RequestProblem) -> SessionChanges
    func update(_ body: JSONValue) throws(RequestProblem) -> SessionChanges
    func complete(_ body: JSONValue) throws(RequestProblem) -> PaymentSubmission
}

extension ACPVersion {
    /// The parser of this version's family.
    var parser: any ACPRequestParser {
        switch self.family {
        case .fulfillmentAddress: FulfillmentAddressRequestParser()
        case .fulfillmentDetails: FulfillmentDetailsRequestParser()
        case .handlers: HandlerRequestParser()
        }
    }
}
