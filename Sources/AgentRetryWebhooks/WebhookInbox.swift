import AgentRetry
import Foundation

/// A webhook receiver's core, apart from any HTTP server: verifies a request, records the event in
/// the durable inbox, and says what to answer. The sender is told 2xx only once the event is
/// committed; a refused signature is 401 `invalid_signature`, and a store that fails is 503, so
/// that the sender delivers again.
///
/// ```swift
/// let inbox = WebhookInbox(verifier: verifier, store: store)
/// let receipt = await inbox.receive(headers: headers, body: body, now: Date())
/// respond(status: receipt.status, json: receipt.body)
/// ```
public struct WebhookInbox: Sendable {
    /// What to answer, and what was learned.
    public struct Receipt: Sendable {
        /// The HTTP status to answer: 200, 400 (a verified body that is not JSON), 401 or 503.
        public var status: Int
        /// The JSON body to answer: `{"received":true,...}`, or an error with `type`, `code`, `message`.
        public var body: JSONValue
        /// The event, when the request verified.
        public var event: WebhookInboxEvent?
        /// Whether the event was new to the inbox (`false` for a redelivery).
        public var isNew: Bool
        /// Why the request was refused or not recorded.
        public var error: (any Error)?
    }

    /// The verifier of the sender's scheme and secrets.
    public let verifier: WebhookVerifier
    /// The inbox's store.
    public let store: any WebhookInboxStore

    /// A receiver core that verifies with `verifier` and records into `store`.
    public init(verifier: WebhookVerifier, store: any WebhookInboxStore) {
        self.verifier = verifier
        self.store = store
    }

    /// Verifies the request and records its event once; `requestID` (ACP's `Request-Id`) is echoed.
    public func receive(headers: HTTPHeaders, body: [UInt8], now: Date, requestID: String? = nil) async -> Receipt {
        let webhook: VerifiedWebhook
        do {
            webhook = try self.verifier.verify(headers: headers, body: body, now: now)
        } catch {
            let status = error.code == .invalidBody ? 400 : 401
            return Receipt(status: status, body: error.acpErrorBody, event: nil, isNew: false, error: error)
        }
        let event = WebhookInboxEvent(verified: webhook, receivedAt: now)
        do {
            let isNew = try await self.store.recordWebhookEvent(event)
            var answer: [String: JSONValue] = ["received": true, "duplicate": .bool(!isNew)]
            if let requestID { answer["request_id"] = .string(requestID) }
            return Receipt(status: 200, body: .object(answer), event: event, isNew: isNew, error: nil)
        } catch {
            let answer: JSONValue = [
                "type": "service_unavailable", "code": "store_unavailable",
                "message": "the event could not be recorded; deliver it again",
            ]
            return Receipt(status: 503, body: answer, event: event, isNew: false, error: error)
        }
    }
}
