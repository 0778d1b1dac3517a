/// How a sender signs its webhooks: the headers it sets, the string it signs and the secret's form.
///
/// An opaque struct with static members rather than an enum, so that a scheme can be added without
/// breaking a `switch` in a caller's code.
public struct WebhookScheme: Sendable, Hashable, CustomStringConvertible {
    enum Base: Sendable, Hashable {
        case acp, stripe, standardWebhooks
    }

    let base: Base

    /// The Agentic Commerce Protocol's order events: `Merchant-Signature: t=<unix seconds>,v1=<64 hex>`,
    /// HMAC-SHA256 over `"<t>.<raw body>"` with the shared secret's UTF-8 bytes as the key. The event has
    /// no id of its own.
    public static let acp = WebhookScheme(base: .acp)
    /// Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]` (one `v1` per signing secret
    /// during a rotation), HMAC-SHA256 over `"<t>.<payload>"` with the whole `whsec_...` string's UTF-8
    /// bytes as the key. The event id is the body's `id`.
    public static let stripe = WebhookScheme(base: .stripe)
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64> ...`
    /// (space-separated), HMAC-SHA256 over `"<id>.<timestamp>.<body>"` with the base64-decoded part of a
    /// `whsec_<base64>` secret as the key. The event id is `webhook-id`.
    public static let standardWebhooks = WebhookScheme(base: .standardWebhooks)

    /// The scheme's name: `acp`, `stripe` or `standard-webhooks`.
    public var description: String {
        switch self.base {
        case .acp: "acp"
        case .stripe: "stripe"
        case .standardWebhooks: "standard-webhooks"
        }
    }

    /// The header that carries the signature.
    public var signatureHeader: String {
        switch self.base {
        case .acp: "Merchant-Signature"
        case .stripe: "Stripe-Signature"
        case .standardWebhooks: "webhook-signature"
        }
    }
}
