import AgentRetry
import Crypto
import Foundation

extension WebhookInboxEvent {
    /// The inbox's record of a verified webhook: its dedup key, and the task, order and status the
    /// body tells, read by the body's shape (an ACP `data` order, or a Stripe-style `data.object`),
    /// so a Standard Webhooks sender of either kind is read too. What it cannot read stays `nil`;
    /// the body is kept whole.
    ///
    /// The dedup key is `<scheme>:<event id>` where the scheme gives an id; otherwise (ACP) it is
    /// `acp:<order>:<status>:<SHA-256 of the signed body>`, so a redelivery of the same event has the
    /// same key and a new status of the same order does not.
    public init(verified webhook: VerifiedWebhook, receivedAt: Date) {
        let order = WebhookOrderFacts(body: webhook.body)
        let key: String
        if let id = webhook.eventID, !id.isEmpty {
            key = "\(webhook.scheme):\(id)"
        } else {
            let digest = SHA256.hash(data: webhook.rawBody).map { String(format: "%02x", $0) }.joined()
            key = "\(webhook.scheme):\(order.orderID ?? "-"):\(order.status ?? "-"):\(digest)"
        }
        self.init(
            dedupKey: key,
            scheme: "\(webhook.scheme)",
            eventID: webhook.eventID,
            eventType: webhook.eventType,
            taskID: order.taskID,
            orderID: order.orderID,
            sessionID: order.sessionID,
            orderStatus: order.status,
            orderRank: order.rank,
            body: webhook.rawBody,
            receivedAt: receivedAt
        )
    }
}
