import AgentRetry
import Crypto
import Foundation

/// Signs and posts webhooks to a receiver the way each scheme's documentation says, with an HMAC
/// computed here over the documented signed string (not the verifier's code).
enum WebhookTestSender {
    static let acpSecret = "acp_whsec_cli_tests_4f3e2d1c"

    /// `t=<now>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
    static func acpSignature(_ body: String, secret: String = Self.acpSecret, at time: Date = Date()) -> String {
        let timestamp = Int(time.timeIntervalSince1970)
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(timestamp).\(body)".utf8),
            using: SymmetricKey(data: Array(secret.utf8))
        )
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// An ACP `order_update` for `order` (of session `cs_<order>`) at `status`.
    static func acpOrder(_ order: String, status: String) -> String {
        #"{"type":"order_update","data":{"type":"order","id":"\#(order)","checkout_session_id":"cs_\#(order)","#
            + #""permalink_url":"https://merchant.example/orders/\#(order)","status":"\#(status)"}}"#
    }

    /// POSTs `body` signed with `signature` to the receiver on `port`; its answer.
    static func post(
        _ body: String,
        port: Int,
        signature: String? = nil
    ) async throws -> RawHTTPConnection.Response {
        let connection = try await RawHTTPConnection.open(port: port)
        let response = try await connection.request(
            "POST",
            "/agentic_checkout/webhooks/order_events",
            headers: [
                ("Content-Type", "application/json"), ("Merchant-Signature", signature ?? Self.acpSignature(body)),
            ],
            body: body
        )
        await connection.close()
        return response
    }

    /// A secret file holding `secrets`, one per line.
    static func secretFile(_ secrets: [String] = [Self.acpSecret]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("whsec-\(UUID().uuidString)").path
        let text = "# webhook secrets\n" + secrets.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
