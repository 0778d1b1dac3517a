import AgentRetry
import Foundation
import Synchronization

extension InMemoryIdempotencyStore: WebhookInboxStore {
    public func recordWebhookEvent(_ event: WebhookInboxEvent) async throws(IdempotencyStoreError) -> Bool {
        self.shared.contents.withLock { $0.inbox.record(event) }
    }

    public func claimWebhookEvent(
        consumer: String,
        owner: String,
        claimUntil: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> WebhookInboxDelivery? {
        self.shared.contents.withLock { $0.inbox.claim(consumer: consumer, owner: owner, until: claimUntil, now: now) }
    }

    public func completeWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        now: Date
    ) async throws(IdempotencyStoreError) {
        self.shared.contents.withLock { $0.inbox.complete(delivery) }
    }

    public func retryWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        at retryAt: Date,
        reason: String,
        now: Date
    ) async throws(IdempotencyStoreError) {
        self.shared.contents.withLock { $0.inbox.retry(delivery, at: retryAt) }
    }

    public func webhookEvents(
        matching query: WebhookInboxQuery
    ) async throws(IdempotencyStoreError) -> [WebhookInboxEvent] {
        let events = self.shared.contents.withLock { Array($0.inbox.events.values) }
        return events.filter {
            InMemoryWebhookInbox.matches(query, task: $0.taskID, order: $0.orderID, session: $0.sessionID)
        }.sorted { ($0.receivedAt, $0.dedupKey) < ($1.receivedAt, $1.dedupKey) }
    }

    public func webhookOrders(
        matching query: WebhookInboxQuery
    ) async throws(IdempotencyStoreError) -> [WebhookOrderState] {
        let orders = self.shared.contents.withLock { Array($0.inbox.orders.values) }
        return orders.filter {
            InMemoryWebhookInbox.matches(query, task: $0.taskID, order: $0.orderID, session: $0.sessionID)
        }.sorted { ($0.updatedAt, $0.orderID) < ($1.updatedAt, $1.orderID) }
    }
}
