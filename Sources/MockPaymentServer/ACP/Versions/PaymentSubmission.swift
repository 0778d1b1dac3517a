import AgentRetry

/// A complete request read from any version's shape.
struct PaymentSubmission: Sendable {
    /// The credential token the payment is charged to.
    let token: String
    let buyer: JSONValue?
    /// `authentication_result.outcome`, in versions that have 3D Secure.
    let authenticationOutcome: String?
}
