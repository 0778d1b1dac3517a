import Foundation

/// The durable webhook inbox, kept in the same store as the idempotency records.
///
/// An event is recorded once under its dedup key, in one commit with the order state it moves
/// forward; a receiver acknowledges the sender only after ``recordWebhookEvent(_:)`` returns. Each
/// consumer gets each event through a claim that expires: a claim completed is never handed out
/// again, one failed or abandoned (its receiver died) is handed out again, with a higher attempt.
public protocol WebhookInboxStore: Sendable {
    /// Records `event` unless its dedup key is there, and in the same commit sets its order's state
    /// when the event's rank is greater than the state known (or none is). Returns whether the event
    /// was new.
    func recordWebhookEvent(_ event: WebhookInboxEvent) async throws(IdempotencyStoreError) -> Bool

    /// Claims for `consumer` the oldest event it has not completed whose earlier claim, if any, has
    /// expired or whose retry is due at `now`; `nil` when there is none (or another owner won it).
    func claimWebhookEvent(
        consumer: String,
        owner: String,
        claimUntil: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> WebhookInboxDelivery?

    /// Marks the delivery complete: the consumer never gets the event again.
    func completeWebhookDelivery(_ delivery: WebhookInboxDelivery, now: Date) async throws(IdempotencyStoreError)

    /// Gives the claim up, to be claimed again from `retryAt`; `reason` is kept (never a secret).
    /// Nothing changes if the delivery was completed or another owner holds it now.
    func retryWebhookDelivery(
        _ delivery: WebhookInboxDelivery,
        at retryAt: Date,
        reason: String,
        now: Date
    ) async throws(IdempotencyStoreError)

    /// The events that match `query`, oldest first.
    func webhookEvents(matching query: WebhookInboxQuery) async throws(IdempotencyStoreError) -> [WebhookInboxEvent]

    /// The order states that match `query`.
    func webhookOrders(matching query: WebhookInboxQuery) async throws(IdempotencyStoreError) -> [WebhookOrderState]
}
