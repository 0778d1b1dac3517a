/// Which events or orders to list: those of a task, an order or an ACP checkout session (any that
/// match, when several are given).
public struct WebhookInboxQuery: Sendable, Hashable {
    /// The task (`metadata.task_id`).
    public var taskID: String?
    /// The order (an ACP order's id, Stripe's PaymentIntent id).
    public var orderID: String?
    /// The ACP checkout session (the task's anchor).
    public var sessionID: String?

    /// A query; with none of its fields, it matches nothing.
    public init(taskID: String? = nil, orderID: String? = nil, sessionID: String? = nil) {
        self.taskID = taskID
        self.orderID = orderID
        self.sessionID = sessionID
    }
}
