import AgentRetry

/// A backend step that ended without a resource, as the flow reads it: what every backend's
/// error type tells, whatever its protocol.
protocol CheckoutStepFailure: Error, Sendable {
    /// The HTTP status, when a response arrived.
    var status: Int? { get }
    /// The merchant's error body, read by its envelope.
    var body: ErrorResponseBody? { get }
    /// Whether the outcome is unknown after the retries (resumable with the same key).
    var isPending: Bool { get }
    /// The idempotent call's error, if this is one.
    var idempotentCallError: IdempotentCallError? { get }
    /// The idempotent call, when it returned.
    var call: IdempotentResult? { get }
    /// The ACP version the request was sent in; `nil` over Stripe.
    var apiVersion: ACPVersion? { get }
    /// Details; never a secret.
    var message: String { get }
}

extension CheckoutStepFailure {
    /// A refusal the merchant answered with a 4xx (not a conflict, not in flight).
    var isRefusal: Bool { self.idempotentCallError == nil && !self.isPending && (self.status ?? 500) < 500 }

    /// Whether the merchant is still processing the step, or asked to wait longer than allowed.
    var isInFlight: Bool {
        let code = self.idempotentCallError?.code
        return code == .inFlightAtServer || code == .retryAfterBeyondLimit
    }
}
