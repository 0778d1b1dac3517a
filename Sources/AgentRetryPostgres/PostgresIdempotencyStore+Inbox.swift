import AgentRetry
import Foundation
import PostgresNIO

/// The webhook inbox in PostgreSQL: an event and the order state it moves in one transaction; a
/// claim is one upsert, so that two receivers never hold one event's claim at once.
extension PostgresIdempotencyStore: WebhookInboxStore {
    public func recordWebhookEvent(_ event: WebhookInboxEvent) async throws(IdempotencyStoreError) -> Bool {
        let insert = Self.query(Self.schema.insertEvent(event) + " RETURNING dedup_key")
        let upsert = event.orderState.map { Self.query(Self.schema.upsertOrder($0)) }
        return try await self.transaction("record a webhook event") { connection -> Bool in
            let inserted = try await connection.query(insert, logger: self.logger).collect()
            guard !inserted.isEmpty else { return false }
            if let upsert { try await connection.query(upsert, logger: self.logger) }
            return true
        }
    }

    public func claimWebhookEvent(
        consumer: String,
        owner: String,
        claimUntil: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> WebhookInboxDelivery? {
        let claim = Self.schema.claimEvent(consumer: consumer, owner: owner, until: claimUntil, now: now)
        guard let row = try await self.inboxRows("claim a webhook event", claim).first else { return nil }
        let (key, attempt) = try row.claim()
        let event = try await self.inboxRows("read a webhook event", Self.schema.selectEvent(dedupKey: key)).first
        return try InboxRow.delivery(claimed: key, attempt: attempt, event: event, consumer: consumer, owner: owner)
    }

    public func completeWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        now: Date
    ) async throws(IdempotencyStoreError) {
        _ = try await self.rows("complete a webhook delivery", Self.schema.completeDelivery(delivery, now: now))
    }

    public func retryWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        at retryAt: Date,
        reason: String,
        now: Date
    ) async throws(IdempotencyStoreError) {
        let statement = Self.schema.retryDelivery(delivery, at: retryAt, reason: reason, now: now)
        _ = try await self.rows("retry a webhook delivery", statement)
    }

    public func webhookEvents(
        matching query: WebhookInboxQuery
    ) async throws(IdempotencyStoreError) -> [WebhookInboxEvent] {
        var events: [WebhookInboxEvent] = []
        for row in try await self.inboxRows("list webhook events", Self.schema.selectEvents(matching: query)) {
            events.append(try row.event())
        }
        return events
    }

    public func webhookOrders(
        matching query: WebhookInboxQuery
    ) async throws(IdempotencyStoreError) -> [WebhookOrderState] {
        var orders: [WebhookOrderState] = []
        for row in try await self.inboxRows("list webhook orders", Self.schema.selectOrders(matching: query)) {
            orders.append(try row.order())
        }
        return orders
    }

    /// Runs one statement and hands its rows over as the inbox reads them.
    private func inboxRows(
        _ what: String,
        _ statement: StoreStatement
    ) async throws(IdempotencyStoreError)
        -> [InboxRow]
    {
        try await self.rows(what, statement).map { row in
            let cells = row.makeRandomAccess()
            return InboxRow { name, kind in Self.cell(named: name, kind: kind, of: cells) }
        }
    }
}
