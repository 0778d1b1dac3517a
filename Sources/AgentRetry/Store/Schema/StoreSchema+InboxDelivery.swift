import Foundation

/// The inbox's deliveries in both stores' SQL: a consumer's claim of an event is one upsert, so
/// that two receivers never hold one event's claim at once.
extension StoreSchema {
    /// Claims for `consumer` the oldest event that has no delivery row for it, or whose row is not
    /// `delivered` and is available at `now` (its claim expired, or its retry is due); returns the
    /// event's dedup key and the attempt. A claim that lost a race to another owner returns nothing.
    package func claimEvent(consumer: String, owner: String, until: Date, now: Date) -> StoreStatement {
        let (events, deliveries) = (self.eventTable, self.deliveryTable)
        return """
            INSERT INTO \(sql: deliveries) \
            (consumer, dedup_key, state, owner, available_at, attempts, last_error, updated_at) \
            SELECT \(consumer), e.dedup_key, 'claimed', \(owner), \(until), 1, NULL, \(now) \
            FROM \(sql: events) e LEFT JOIN \(sql: deliveries) d \
            ON d.consumer = \(consumer) AND d.dedup_key = e.dedup_key \
            WHERE d.dedup_key IS NULL OR (d.state <> 'delivered' AND d.available_at <= \(now)) \
            ORDER BY e.received_at, e.dedup_key LIMIT 1 \
            ON CONFLICT (consumer, dedup_key) DO UPDATE SET state = 'claimed', owner = excluded.owner, \
            available_at = excluded.available_at, attempts = \(sql: deliveries).attempts + 1, \
            updated_at = excluded.updated_at \
            WHERE \(sql: deliveries).state <> 'delivered' AND \(sql: deliveries).available_at <= \(now) \
            RETURNING dedup_key, attempts
            """
    }

    /// Marks a delivery complete, whoever holds its claim now: the event reached the consumer.
    package func completeDelivery(_ delivery: WebhookInboxDelivery, now: Date) -> StoreStatement {
        """
        UPDATE \(sql: self.deliveryTable) SET state = 'delivered', owner = NULL, updated_at = \(now) \
        WHERE consumer = \(delivery.consumer) AND dedup_key = \(delivery.event.dedupKey) AND state <> 'delivered'
        """
    }

    /// Gives a claim up until `retryAt`, if `delivery`'s owner still holds it.
    package func retryDelivery(
        _ delivery: WebhookInboxDelivery,
        at retryAt: Date,
        reason: String,
        now: Date
    ) -> StoreStatement {
        """
        UPDATE \(sql: self.deliveryTable) SET state = 'retry', owner = NULL, available_at = \(retryAt), \
        last_error = \(reason), updated_at = \(now) \
        WHERE consumer = \(delivery.consumer) AND dedup_key = \(delivery.event.dedupKey) \
        AND state = 'claimed' AND owner = \(delivery.owner)
        """
    }
}
