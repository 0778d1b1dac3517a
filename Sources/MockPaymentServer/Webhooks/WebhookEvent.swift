import AgentRetry

/// An event the mock sends to every registered webhook endpoint.
struct WebhookEvent: Sendable {
    /// The event's identity: Stripe's `evt_...` id, and `webhook-id` under Standard Webhooks (ACP
    /// events get one too, stable across attempts and duplicates).
    let id: String
    /// `order_create`, `payment_intent.succeeded`, ...
    let type: String
    /// The body every attempt sends, byte for byte.
    let body: [UInt8]
}
