import AgentRetry

extension CheckoutOutcome {
    /// What the merchant's or PSP's webhooks said of this checkout's order since it ended: the
    /// latest state by rank the inbox holds for the order, its PaymentIntent, its checkout session
    /// (the task's anchor) or its task; `nil` when no event about it has been recorded.
    public func orderState(in inbox: any WebhookInboxStore) async throws(IdempotencyStoreError) -> WebhookOrderState? {
        let query = WebhookInboxQuery(
            taskID: self.taskID,
            orderID: self.orderID ?? self.paymentIntentID,
            sessionID: self.checkoutSessionID
        )
        let orders = try await inbox.webhookOrders(matching: query)
        return orders.max { ($0.rank, $0.updatedAt) < ($1.rank, $1.updatedAt) }
    }
}
