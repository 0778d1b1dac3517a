import AgentRetryWebhooks
import Testing

/// The refusal a verification ends with.
enum Refusal {
    struct Unexpected: Error {}

    /// The error `verification` throws; records an issue and throws when it verifies instead.
    static func of(_ verification: () throws -> VerifiedWebhook) throws -> WebhookVerificationError {
        do {
            let event = try verification()
            Issue.record("verified unexpectedly: \(event)")
            throw Unexpected()
        } catch let error as WebhookVerificationError {
            return error
        }
    }

    /// The error `make` throws; records an issue and throws when it returns instead.
    static func making(_ make: () throws -> WebhookVerifier) throws -> WebhookVerificationError {
        do {
            let verifier = try make()
            Issue.record("made a verifier unexpectedly: \(verifier)")
            throw Unexpected()
        } catch let error as WebhookVerificationError {
            return error
        }
    }
}
