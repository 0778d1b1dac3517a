import Crypto
import Foundation

/// Checks the signatures the mock puts on webhooks, computed here from each scheme's documented
/// signed string (never with the mock's own signer).
enum WebhookSignatureCheck {
    /// ACP's `Merchant-Signature` or Stripe's `Stripe-Signature`: `t=<unix>,v1=<hex>` over
    /// `"<t>.<body>"`, keyed with the secret's UTF-8 bytes. Returns the timestamp when it verifies.
    static func timestampedHex(_ header: String?, body: [UInt8], secret: String) -> Int? {
        guard let header else { return nil }
        var parts: [String: String] = [:]
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { parts[pair[0]] = pair[1] }
        }
        guard let t = parts["t"], let timestamp = Int(t), let v1 = parts["v1"] else { return nil }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(t).".utf8) + body,
            using: SymmetricKey(data: Array(secret.utf8))
        )
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return hex == v1 ? timestamp : nil
    }

    /// Standard Webhooks: `webhook-signature: v1,<base64>` over `"<id>.<t>.<body>"`, keyed with
    /// the base64-decoded part of the secret after `whsec_`.
    static func standard(_ headers: [String: String], body: [UInt8], secret: String) -> Bool {
        guard let id = headers["webhook-id"], let t = headers["webhook-timestamp"],
            let signature = headers["webhook-signature"], signature.hasPrefix("v1,"),
            let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count)))
        else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(id).\(t).".utf8) + body,
            using: SymmetricKey(data: key)
        )
        return Data(mac).base64EncodedString() == String(signature.dropFirst(3))
    }
}
