/// Where a checkout resource is, as the flow acts on it.
package enum CheckoutPhase: Sendable {
    /// Open, and the cart's choice (its fulfilment option) is not selected yet.
    case needsUpdate
    /// Ready to be paid (completed, confirmed).
    case readyToPay
    /// A payment step is being processed: read again until it settles.
    case inProgress
    /// Paid.
    case completed
    /// Canceled: a new generation.
    case canceled
    /// Expired: a new generation.
    case expired
    /// This credential was declined, with the merchant's messages.
    case declined([ACPMessage])
    /// The merchant needs something from the buyer, in words and messages.
    case needsInput(String, [ACPMessage])
}
