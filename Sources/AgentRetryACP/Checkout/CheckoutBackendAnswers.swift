import AgentRetry

/// What a backend's create led to.
package enum CheckoutCreateAnswer<Resource: Sendable>: Sendable {
    /// Created (or found) and anchored; the resource as it is now.
    case created(CheckoutAnchor<Resource>, Resource)
    /// The task's outcome: refused, pending, no version in common.
    case outcome(CheckoutOutcome)
}

/// What a backend's step led to.
package enum CheckoutStepAnswer<Resource: Sendable>: Sendable {
    /// The resource after the step: the flow looks at its phase again.
    case advanced(Resource)
    /// The step's outcome is unknown or still in flight: read the resource until it settles.
    case settle
    /// The task's outcome.
    case outcome(CheckoutOutcome)
}

/// What the store kept of a generation's create.
package struct CheckoutKeptCreate<Resource: Sendable>: Sendable {
    /// The create's record.
    package var record: IdempotencyRecord
    /// The anchor, when the create succeeded and its kept body is the resource.
    package var anchor: CheckoutAnchor<Resource>?
    /// Whether the create was made for this cart.
    package var sameCart: Bool
}

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
