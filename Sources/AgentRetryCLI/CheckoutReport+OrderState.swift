import AgentRetry
import AgentRetryACP

extension CheckoutReport {
    /// The report with `order_state`: what webhooks recorded in `store`'s inbox said of `outcome`'s
    /// order (`null` when nothing, or when the inbox cannot be read: the checkout's status stands).
    func addingOrderState(of outcome: CheckoutOutcome, from store: any IdempotencyStore) async -> CheckoutReport {
        guard var members = self.json.objectValue else { return self }
        var state: WebhookOrderState?
        if let inbox = store as? any WebhookInboxStore { state = try? await outcome.orderState(in: inbox) }
        members["order_state"] = state?.json ?? .null
        var report = self
        report.json = .object(members)
        return report
    }
}
