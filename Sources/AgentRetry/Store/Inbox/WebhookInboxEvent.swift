import Foundation

/// A verified webhook event as the inbox keeps it: recorded once under its ``dedupKey``, with what
/// the receiver learned of it (the task, the order and its status) beside the signed body.
public struct WebhookInboxEvent: Sendable, Hashable {
    /// The event's identity in the inbox: `<scheme>:<event id>` where the scheme gives an id
    /// (Stripe's `evt_...`, Standard Webhooks' `webhook-id`); for ACP, whose events carry none,
    /// `acp:<order id>:<status>:<digest of the signed body>`. A redelivery has the same key.
    public var dedupKey: String
    /// The scheme whose signature verified (`acp`, `stripe`, `standard-webhooks`).
    public var scheme: String
    /// The sender's event id, where the scheme has one.
    public var eventID: String?
    /// The body's `type` (`order_update`, `payment_intent.succeeded`, ...).
    public var eventType: String?
    /// The task the event is about, where the body names one (`metadata.task_id`).
    public var taskID: String?
    /// The order the event is about: an ACP order's id, or Stripe's PaymentIntent id.
    public var orderID: String?
    /// The ACP checkout session the order came from (the task's anchor).
    public var sessionID: String?
    /// The order's status the event reports (`shipped`, `succeeded`, `refunded`, ...).
    public var orderStatus: String?
    /// Where the status stands in the order's life: a later event has a greater rank, and an event
    /// of a lower rank than the order's known state does not move it back. `nil` when unknown.
    public var orderRank: Int?
    /// The body, byte for byte as it was signed.
    public var body: [UInt8]
    /// When the receiver recorded it.
    public var receivedAt: Date

    /// Creates an event.
    public init(
        dedupKey: String,
        scheme: String,
        eventID: String? = nil,
        eventType: String? = nil,
        taskID: String? = nil,
        orderID: String? = nil,
        sessionID: String? = nil,
        orderStatus: String? = nil,
        orderRank: Int? = nil,
        body: [UInt8],
        receivedAt: Date
    ) {
        self.dedupKey = dedupKey
        self.scheme = scheme
        self.eventID = eventID
        self.eventType = eventType
        self.taskID = taskID
        self.orderID = orderID
        self.sessionID = sessionID
        self.orderStatus = orderStatus
        self.orderRank = orderRank
        self.body = body
        self.receivedAt = receivedAt
    }

    /// The order state this event would set, when it names an order, a status and a rank.
    public var orderState: WebhookOrderState? {
        guard let orderID, let orderStatus, let orderRank else { return nil }
        return WebhookOrderState(
            orderID: orderID,
            taskID: self.taskID,
            sessionID: self.sessionID,
            status: orderStatus,
            rank: orderRank,
            dedupKey: self.dedupKey,
            updatedAt: self.receivedAt
        )
    }
}
