import AgentRetry

/// What a backend's step led to.
package enum CheckoutStepAnswer<Resource: Sendable>: Sendable {
    /// The resource after the step: the flow looks at its phase again.
    case advanced(Resource)
    /// The step's outcome is unknown or still in flight: read the resource until it settles.
    case settle
    /// The task's outcome.
    case outcome(CheckoutOutcome)
}
