import AgentRetry

/// A create or update request read from any version's shape: what the internal session model
/// takes. `nil` members were absent; `.null` JSON values clear.
struct SessionChanges: Sendable {
    /// An item the request names, with where it was named (for error params).
    struct ItemReference: Sendable {
        let product: ACPCatalog.Product
        var quantity: Int
        let location: [JSONValue]
    }

    var items: [ItemReference]?
    var currency: String?
    var buyer: JSONValue?
    /// Always in the `fulfillment_details` shape (`{name, email, phone_number, address}`).
    var fulfillmentDetails: JSONValue?
    /// The shipping option chosen, with where it was named.
    var selectedOption: (id: String, location: [JSONValue])?
    var metadata: JSONValue?
}
