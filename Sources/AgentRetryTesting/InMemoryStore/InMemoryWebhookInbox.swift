import AgentRetry
import Foundation

/// The webhook inbox of ``InMemoryIdempotencyStore``: the rules the SQLite and PostgreSQL stores
/// write in SQL (`StoreSchema+Inbox`), on values kept under the store's lock.
struct InMemoryWebhookInbox {
    struct Delivery {
        var delivered: Bool
        var owner: String?
        var availableAt: Date
        var attempts: Int
    }

    private(set) var events: [String: WebhookInboxEvent] = [:]
    private(set) var orders: [String: WebhookOrderState] = [:]
    private var deliveries: [String: [String: Delivery]] = [:]

    /// Records the event unless its key is there; moves its order forward by rank.
    mutating func record(_ event: WebhookInboxEvent) -> Bool {
        guard self.events[event.dedupKey] == nil else { return false }
        self.events[event.dedupKey] = event
        if var state = event.orderState {
            if let known = self.orders[state.orderID] {
                guard state.rank > known.rank else { return true }
                state.taskID = state.taskID ?? known.taskID
                state.sessionID = state.sessionID ?? known.sessionID
            }
            self.orders[state.orderID] = state
        }
        return true
    }

    /// Claims the oldest event `consumer` has not completed that is available at `now`.
    mutating func claim(consumer: String, owner: String, until: Date, now: Date) -> WebhookInboxDelivery? {
        let ordered = self.events.values.sorted { ($0.receivedAt, $0.dedupKey) < ($1.receivedAt, $1.dedupKey) }
        var byEvent = self.deliveries[consumer] ?? [:]
        defer { self.deliveries[consumer] = byEvent }
        for event in ordered {
            let known = byEvent[event.dedupKey]
            if let known, known.delivered || known.availableAt > now { continue }
            let attempt = (known?.attempts ?? 0) + 1
            byEvent[event.dedupKey] = Delivery(delivered: false, owner: owner, availableAt: until, attempts: attempt)
            return WebhookInboxDelivery(event: event, consumer: consumer, owner: owner, attempt: attempt)
        }
        return nil
    }

    /// Marks the delivery complete.
    mutating func complete(_ delivery: WebhookInboxDelivery) {
        self.deliveries[delivery.consumer]?[delivery.event.dedupKey]?.delivered = true
        self.deliveries[delivery.consumer]?[delivery.event.dedupKey]?.owner = nil
    }

    /// Gives the claim up until `retryAt`, if the delivery's owner still holds it.
    mutating func retry(_ delivery: WebhookInboxDelivery, at retryAt: Date) {
        guard var known = self.deliveries[delivery.consumer]?[delivery.event.dedupKey], !known.delivered,
            known.owner == delivery.owner
        else { return }
        known.owner = nil
        known.availableAt = retryAt
        self.deliveries[delivery.consumer]?[delivery.event.dedupKey] = known
    }

    /// Whether `query` matches a task, order and session.
    static func matches(_ query: WebhookInboxQuery, task: String?, order: String?, session: String?) -> Bool {
        (query.taskID != nil && query.taskID == task) || (query.orderID != nil && query.orderID == order)
            || (query.sessionID != nil && query.sessionID == session)
    }
}
