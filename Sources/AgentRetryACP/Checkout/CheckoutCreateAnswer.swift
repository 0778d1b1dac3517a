import AgentRetry

/// What a backend's create led to.
package enum CheckoutCreateAnswer<Resource: Sendable>: Sendable {
    /// Created (or found) and anchored; the resource as it is now.
    case created(CheckoutAnchor<Resource>, Resource)
    /// The task's outcome: refused, pending, no version in common.
    case outcome(CheckoutOutcome)
}
