import AgentRetryWebhooks
import ArgumentParser

/// `--scheme acp|stripe|standard`: whose signatures `webhooks listen` verifies.
enum WebhookSchemeOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case acp
    case stripe
    case standard

    /// The verifier's scheme.
    var scheme: WebhookScheme {
        switch self {
        case .acp: .acp
        case .stripe: .stripe
        case .standard: .standardWebhooks
        }
    }
}
