import AgentRetry

/// What the store kept of an anchor's completion step with this credential.
package struct CheckoutKeptCompletion<Resource: Sendable>: Sendable {
    /// How the kept completion ended.
    package enum Verdict: Sendable {
        /// Paid.
        case completed
        /// This credential was declined, with the messages.
        case declined([ACPMessage])
        /// Anything else.
        case other
    }

    /// The step's record.
    package var record: IdempotencyRecord
    /// The resource the step returned, if it is one.
    package var resource: Resource?
    /// How it ended.
    package var verdict: Verdict
}
