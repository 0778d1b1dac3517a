import AgentRetry

/// What the store kept of a generation's create.
package struct CheckoutKeptCreate<Resource: Sendable>: Sendable {
    /// The create's record.
    package var record: IdempotencyRecord
    /// The anchor, when the create succeeded and its kept body is the resource.
    package var anchor: CheckoutAnchor<Resource>?
    /// Whether the create was made for this cart.
    package var sameCart: Bool
}
