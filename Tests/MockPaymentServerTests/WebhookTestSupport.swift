import AgentRetry
import Foundation
import MockPaymentServer

/// Registers a webhook endpoint over the admin API and returns the answer.
func registerWebhook(
    _ server: MockPaymentServer,
    _ transport: HTTPTransport,
    _ body: JSONValue
) async throws -> HTTPResponse {
    let text = String(decoding: body.serialized(), as: UTF8.self)
    return try await transport.execute(adminRequest(server, "/__admin/webhooks", body: text))
}

/// The delivery log of the first registered endpoint.
func webhookDeliveries(_ server: MockPaymentServer, _ transport: HTTPTransport) async throws -> [JSONValue] {
    let listed = try await transport.execute(adminRequest(server, "/__admin/webhooks"))
    return listed.json["endpoints"]?.arrayValue?.first?["deliveries"]?.arrayValue ?? []
}

/// Waits until the first endpoint's log shows `count` attempts in all, or `timeout` passes.
func waitForWebhookAttempts(
    _ server: MockPaymentServer,
    _ transport: HTTPTransport,
    _ count: Int,
    timeout: Duration = .seconds(10)
) async throws -> [JSONValue] {
    let deadline = ContinuousClock.now + timeout
    while true {
        let deliveries = try await webhookDeliveries(server, transport)
        let attempts = deliveries.reduce(0) { $0 + ($1["attempts"]?.integerValue ?? 0) }
        if attempts >= count || ContinuousClock.now >= deadline { return deliveries }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A Standard Webhooks secret: `whsec_` and 32 bytes in base64.
let standardWebhookSecret = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()

/// Creates and confirms a PaymentIntent for `taskID`; returns its id.
func confirmedPaymentIntent(
    _ server: MockPaymentServer,
    _ transport: HTTPTransport,
    taskID: String
) async throws -> String {
    let form = "amount=1200&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=\(taskID)"
    let created = try await transport.execute(stripePost(server, "/v1/payment_intents", form))
    return created.json["id"]?.stringValue ?? ""
}

extension ReceivedWebhook {
    /// The body as JSON.
    var json: JSONValue { (try? JSONValue(parsing: self.body)) ?? .null }
}
