import Foundation
import GRDB

/// The webhook inbox in the SQLite file: each operation one transaction on the writer, so that an
/// event and the order state it moves are committed together.
extension SQLiteIdempotencyStore: WebhookInboxStore {
    public func recordWebhookEvent(_ event: WebhookInboxEvent) async throws(IdempotencyStoreError) -> Bool {
        try await self.run("record a webhook event") { db -> Bool in
            guard try Self.execute(Self.schema.insertEvent(event), in: db) == 1 else { return false }
            if let state = event.orderState { try Self.execute(Self.schema.upsertOrder(state), in: db) }
            return true
        }
    }

    public func claimWebhookEvent(
        consumer: String,
        owner: String,
        claimUntil: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> WebhookInboxDelivery? {
        try await self.run("claim a webhook event") { db -> WebhookInboxDelivery? in
            let claim = Self.schema.claimEvent(consumer: consumer, owner: owner, until: claimUntil, now: now)
            guard let row = try Self.rows(claim, in: db).first else { return nil }
            let (key, attempt) = try row.claim()
            let event = try Self.rows(Self.schema.selectEvent(dedupKey: key), in: db).first
            return try InboxRow.delivery(claimed: key, attempt: attempt, event: event, consumer: consumer, owner: owner)
        }
    }

    public func completeWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        now: Date
    ) async throws(IdempotencyStoreError) {
        _ = try await self.run("complete a webhook delivery") { db in
            try Self.execute(Self.schema.completeDelivery(delivery, now: now), in: db)
        }
    }

    public func retryWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        at retryAt: Date,
        reason: String,
        now: Date
    ) async throws(IdempotencyStoreError) {
        _ = try await self.run("retry a webhook delivery") { db in
            try Self.execute(Self.schema.retryDelivery(delivery, at: retryAt, reason: reason, now: now), in: db)
        }
    }

    public func webhookEvents(
        matching query: WebhookInboxQuery
    ) async throws(IdempotencyStoreError) -> [WebhookInboxEvent] {
        try await self.run("list webhook events", reading: true) { db in
            try Self.rows(Self.schema.selectEvents(matching: query), in: db).map { row throws(IdempotencyStoreError) in
                try row.event()
            }
        }
    }

    public func webhookOrders(
        matching query: WebhookInboxQuery
    ) async throws(IdempotencyStoreError) -> [WebhookOrderState] {
        try await self.run("list webhook orders", reading: true) { db in
            try Self.rows(Self.schema.selectOrders(matching: query), in: db).map { row throws(IdempotencyStoreError) in
                try row.order()
            }
        }
    }

    /// Runs the query `statement` and hands its rows over as the inbox reads them.
    static func rows(_ statement: StoreStatement, in db: Database) throws -> [InboxRow] {
        let rows = try Row.fetchAll(db, sql: statement.sql { _ in "?" }, arguments: Self.arguments(statement.values))
        return rows.map { row in InboxRow { name, kind in Self.cell(named: name, kind: kind, of: row) } }
    }
}
