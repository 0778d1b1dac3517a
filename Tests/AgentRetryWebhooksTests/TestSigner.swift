import Crypto
import Foundation

/// Signs webhooks the way each scheme's documentation says, independently of the verifier: an HMAC
/// over the documented signed string, written out here for each scheme.
enum TestSigner {
    /// A fixed "now" for the tests: 2026-04-17T12:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_776_427_200)
    static var nowSeconds: Int64 { Int64(Self.now.timeIntervalSince1970) }

    static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `t=<t>,v1=<hex of HMAC(secret, "<t>.<body>")>` for each secret: ACP's `Merchant-Signature`
    /// (one secret) and Stripe's `Stripe-Signature` (one `v1` per secret).
    static func timestampAndV1(secrets: [String], timestamp: Int64, body: String) -> String {
        let signed = Array("\(timestamp).\(body)".utf8)
        let signatures = secrets.map { "v1=" + Self.hex(Self.hmac(key: Array($0.utf8), signed)) }
        return (["t=\(timestamp)"] + signatures).joined(separator: ",")
    }

    /// The three Standard Webhooks headers, signed with each `whsec_` secret.
    static func standardHeaders(id: String, timestamp: Int64, body: String, secrets: [String]) -> [String: String] {
        let signed = Array("\(id).\(timestamp).\(body)".utf8)
        let signatures = secrets.map { secret in
            let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count)))!
            return "v1," + Data(Self.hmac(key: Array(key), signed)).base64EncodedString()
        }
        return [
            "webhook-id": id, "webhook-timestamp": "\(timestamp)",
            "webhook-signature": signatures.joined(separator: " "),
        ]
    }
}
