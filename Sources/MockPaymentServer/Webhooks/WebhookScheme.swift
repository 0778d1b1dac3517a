import Crypto
import Foundation

/// How a webhook endpoint wants its deliveries signed.
enum WebhookScheme: String, Sendable, CaseIterable {
    /// ACP: `Merchant-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
    case acp
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the whole
    /// `whsec_...` string as the key.
    case stripe
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<t>.<body>")>`, the key being the
    /// base64 after `whsec_`.
    case standard

    /// The HMAC key `secret` stands for, or `nil` when it is not one this scheme accepts.
    func key(secret: String) -> [UInt8]? {
        guard !secret.isEmpty else { return nil }
        switch self {
        case .acp, .stripe:
            return Array(secret.utf8)
        case .standard:
            guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))),
                !key.isEmpty
            else { return nil }
            return Array(key)
        }
    }

    /// The signature headers of one attempt: `body` signed with `key` at `timestamp` (Unix seconds).
    func headers(body: [UInt8], key: [UInt8], timestamp: Int, eventID: String) -> [(name: String, value: String)] {
        switch self {
        case .acp:
            let mac = Self.mac(key: key, Array("\(timestamp).".utf8) + body)
            return [("Merchant-Signature", "t=\(timestamp),v1=\(Self.hex(mac))")]
        case .stripe:
            let mac = Self.mac(key: key, Array("\(timestamp).".utf8) + body)
            return [("Stripe-Signature", "t=\(timestamp),v1=\(Self.hex(mac))")]
        case .standard:
            let mac = Self.mac(key: key, Array("\(eventID).\(timestamp).".utf8) + body)
            return [
                ("webhook-id", eventID), ("webhook-timestamp", String(timestamp)),
                ("webhook-signature", "v1," + Data(mac).base64EncodedString()),
            ]
        }
    }

    private static func mac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}
