import AgentRetry
import Foundation

/// An inbox whose database is down: every call throws `unavailable`.
struct FailingInboxStore: WebhookInboxStore {
    static var down: IdempotencyStoreError {
        IdempotencyStoreError(code: .unavailable, message: "the database is down")
    }

    func recordWebhookEvent(_ event: WebhookInboxEvent) async throws(IdempotencyStoreError) -> Bool {
        throw Self.down
    }

    func claimWebhookEvent(
        consumer: String,
        owner: String,
        claimUntil: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> WebhookInboxDelivery? {
        throw Self.down
    }

    func completeWebhookDelivery(_ delivery: WebhookInboxDelivery, now: Date) async throws(IdempotencyStoreError) {
        throw Self.down
    }

    func retryWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        at retryAt: Date,
        reason: String,
        now: Date
    ) async throws(IdempotencyStoreError) {
        throw Self.down
    }

    func webhookEvents(matching query: WebhookInboxQuery) async throws(IdempotencyStoreError) -> [WebhookInboxEvent] {
        throw Self.down
    }

    func webhookOrders(matching query: WebhookInboxQuery) async throws(IdempotencyStoreError) -> [WebhookOrderState] {
        throw Self.down
    }
}
