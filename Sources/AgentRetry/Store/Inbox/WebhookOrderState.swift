import Foundation

/// What the inbox knows of an order: the status of the latest event by rank, never moved back by
/// an older event that arrives late.
public struct WebhookOrderState: Sendable, Hashable {
    /// The order: an ACP order's id, or Stripe's PaymentIntent id.
    public var orderID: String
    /// The task it belongs to, when an event named it.
    public var taskID: String?
    /// The ACP checkout session it came from, when an event named it.
    public var sessionID: String?
    /// The status (`created` ... `completed`, `canceled`; `succeeded`, `refunded`).
    public var status: String
    /// The status's rank (``WebhookInboxEvent/orderRank``).
    public var rank: Int
    /// The event that set it.
    public var dedupKey: String
    /// When that event was recorded.
    public var updatedAt: Date

    /// Creates a state.
    public init(
        orderID: String,
        taskID: String?,
        sessionID: String?,
        status: String,
        rank: Int,
        dedupKey: String,
        updatedAt: Date
    ) {
        self.orderID = orderID
        self.taskID = taskID
        self.sessionID = sessionID
        self.status = status
        self.rank = rank
        self.dedupKey = dedupKey
        self.updatedAt = updatedAt
    }
}
