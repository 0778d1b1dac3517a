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
    ///
    /// An id or a field over ``maximumFieldLength`` UTF-8 bytes, or holding a NUL, is not kept as a
    /// column (databases index keys of bounded size, and PostgreSQL's `text` holds no NUL): an
    /// event id like that makes the key `<scheme>:sha256:<digest of the id>`, and a task, order,
    /// session, status or type like that is left `nil`. The body is kept whole either way.
    public init(verified webhook: VerifiedWebhook, receivedAt: Date) {
        let order = WebhookOrderFacts(body: webhook.body)
        let (task, orderID, session, status) = (
            Self.storable(order.taskID), Self.storable(order.orderID), Self.storable(order.sessionID),
            Self.storable(order.status)
        )
        let key: String
        if let id = webhook.eventID, !id.isEmpty {
            key = Self.storable(id).map { "\(webhook.scheme):\($0)" } ?? "\(webhook.scheme):sha256:\(Self.hex(id.utf8))"
        } else {
            key = "\(webhook.scheme):\(orderID ?? "-"):\(status ?? "-"):\(Self.hex(webhook.rawBody))"
        }
        self.init(
            dedupKey: key,
            scheme: "\(webhook.scheme)",
            eventID: Self.storable(webhook.eventID),
            eventType: Self.storable(webhook.eventType),
            taskID: task,
            orderID: orderID,
            sessionID: session,
            orderStatus: status,
            orderRank: status == nil || orderID == nil ? nil : order.rank,
            body: webhook.rawBody,
            receivedAt: receivedAt
        )
    }

    /// The longest id or field kept as a column, in UTF-8 bytes.
    public static let maximumFieldLength = 256

    private static func storable(_ text: String?) -> String? {
        guard let text, text.utf8.count <= Self.maximumFieldLength, !text.utf8.contains(0) else { return nil }
        return text
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
    }
}
