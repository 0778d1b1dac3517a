import AgentRetry
import Foundation
import Testing

/// The webhook inbox's checks: every store of the suite is also a ``AgentRetry/WebhookInboxStore``.
extension IdempotencyStoreConformance.Check {
    static func inbox(_ store: any IdempotencyStore) throws -> any WebhookInboxStore {
        try #require(store as? any WebhookInboxStore, "the store keeps a webhook inbox")
    }

    static func inboxEvent(
        _ key: String,
        task: String? = "task-1",
        order: String? = "order-1",
        status: String? = "created",
        rank: Int? = 1,
        at offset: TimeInterval = 0
    ) -> WebhookInboxEvent {
        WebhookInboxEvent(
            dedupKey: key,
            scheme: "stripe",
            eventID: key,
            eventType: "order_update",
            taskID: task,
            orderID: order,
            sessionID: order.map { "cs_\($0)" },
            orderStatus: status,
            orderRank: rank,
            body: Array(#"{"id":"\#(key)"}"#.utf8),
            receivedAt: epoch + offset
        )
    }

    static func checkInboxRoundTrip(_ subject: IdempotencyStoreConformance.Subject) async throws {
        let inbox = try Self.inbox(subject.store)
        var event = Self.inboxEvent("evt_round", task: "task-round", order: "order-round", status: "shipped", rank: 5)
        event.body = (0...255).map(UInt8.init) + Array("{\"é\":\"\u{0}\"}".utf8)
        let bare = WebhookInboxEvent(dedupKey: "acp:bare", scheme: "acp", body: [], receivedAt: epoch + 1)
        #expect(try await inbox.recordWebhookEvent(event))
        #expect(try await inbox.recordWebhookEvent(bare))
        let other = try Self.inbox(try await subject.openAnother())
        #expect(try await other.webhookEvents(matching: WebhookInboxQuery(taskID: "task-round")) == [event])
        #expect(try await other.webhookEvents(matching: WebhookInboxQuery(orderID: "order-round")) == [event])
        #expect(try await other.webhookEvents(matching: WebhookInboxQuery(sessionID: "cs_order-round")) == [event])
        #expect(try await other.webhookEvents(matching: WebhookInboxQuery()).isEmpty, "an empty query matches none")
        let orders = try await other.webhookOrders(matching: WebhookInboxQuery(taskID: "task-round"))
        #expect(orders == [event.orderState].compactMap { $0 })
        let claimed = try await other.claimWebhookEvent(consumer: "c", owner: "o", claimUntil: epoch + 60, now: epoch)
        #expect(claimed?.event == event, "the oldest event first")
        let second = try await other.claimWebhookEvent(consumer: "c", owner: "o", claimUntil: epoch + 60, now: epoch)
        #expect(second?.event == bare, "an event with no task, order or body round-trips")
    }

    static func checkInboxRecordOnce(_ subject: IdempotencyStoreConformance.Subject) async throws {
        let stores = [try Self.inbox(subject.store), try Self.inbox(try await subject.openAnother())]
        let event = Self.inboxEvent("evt_once")
        let news = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                group.addTask { try await stores[index % 2].recordWebhookEvent(event) }
            }
            return try await group.reduce(into: 0) { count, new in count += new ? 1 : 0 }
        }
        #expect(news == 1, "exactly one of the concurrent records is new")
        #expect(try await stores[1].webhookEvents(matching: WebhookInboxQuery(taskID: "task-1")) == [event])
    }

    static func checkInboxOrderForwardOnly(_ subject: IdempotencyStoreConformance.Subject) async throws {
        let inbox = try Self.inbox(subject.store)
        let query = WebhookInboxQuery(orderID: "order-1")
        let shipped = Self.inboxEvent("evt_shipped", status: "shipped", rank: 5, at: 2)
        let created = Self.inboxEvent("evt_created", task: nil, status: "created", rank: 1, at: 3)
        let unranked = Self.inboxEvent("evt_unranked", status: "custom", rank: nil, at: 4)
        let completed = Self.inboxEvent("evt_completed", task: nil, status: "completed", rank: 6, at: 5)
        #expect(try await inbox.recordWebhookEvent(shipped))
        #expect(try await inbox.recordWebhookEvent(created), "a late event is recorded")
        #expect(try await inbox.recordWebhookEvent(unranked))
        #expect(try await inbox.webhookOrders(matching: query).map(\.status) == ["shipped"], "and moves nothing back")
        #expect(try await inbox.recordWebhookEvent(completed))
        let state = try #require(try await inbox.webhookOrders(matching: query).first)
        #expect(state.status == "completed" && state.rank == 6 && state.dedupKey == "evt_completed")
        #expect(state.taskID == "task-1", "a task an event lacks is kept")
        #expect(try await inbox.webhookEvents(matching: query).count == 4)
    }

    static func checkInboxClaimRace(_ subject: IdempotencyStoreConformance.Subject) async throws {
        let stores = [try Self.inbox(subject.store), try Self.inbox(try await subject.openAnother())]
        let keys = (0..<8).map { "evt_race_\($0)" }
        for (index, key) in keys.enumerated() {
            _ = try await stores[0].recordWebhookEvent(Self.inboxEvent(key, at: Double(index)))
        }
        for consumer in ["alpha", "beta"] {
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for owner in 0..<12 {
                    group.addTask {
                        var mine: [String] = []
                        for _ in 0..<6 {
                            guard
                                let delivery = try await stores[owner % 2].claimWebhookEvent(
                                    consumer: consumer,
                                    owner: "owner-\(owner)",
                                    claimUntil: epoch + 600,
                                    now: epoch
                                )
                            else { continue }
                            #expect(delivery.attempt == 1 && delivery.owner == "owner-\(owner)")
                            mine.append(delivery.event.dedupKey)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            // A claim that lost a race answers nil; what the racers left, one owner drains.
            var drained: [String] = []
            while let delivery = try await stores[0].claimWebhookEvent(
                consumer: consumer,
                owner: "drain",
                claimUntil: epoch + 600,
                now: epoch
            ) {
                drained.append(delivery.event.dedupKey)
            }
            #expect((claimed + drained).sorted() == keys, "\(consumer) gets each event exactly once")
        }
    }

    static func checkInboxRedelivery(_ subject: IdempotencyStoreConformance.Subject) async throws {
        let inbox = try Self.inbox(subject.store)
        let other = try Self.inbox(try await subject.openAnother())
        _ = try await inbox.recordWebhookEvent(Self.inboxEvent("evt_a", at: 0))
        _ = try await inbox.recordWebhookEvent(Self.inboxEvent("evt_b", at: 1))
        let first = try #require(
            try await inbox.claimWebhookEvent(
                consumer: "c",
                owner: "dead",
                claimUntil: epoch + 10,
                now: epoch
            )
        )
        #expect(first.event.dedupKey == "evt_a")
        let next = try #require(
            try await other.claimWebhookEvent(
                consumer: "c",
                owner: "live",
                claimUntil: epoch + 10,
                now: epoch + 1
            )
        )
        #expect(next.event.dedupKey == "evt_b", "a live claim is not handed out again")
        #expect(
            try await other.claimWebhookEvent(consumer: "c", owner: "live", claimUntil: epoch + 20, now: epoch + 5)
                == nil
        )
        let again = try #require(
            try await other.claimWebhookEvent(
                consumer: "c",
                owner: "live",
                claimUntil: epoch + 30,
                now: epoch + 10
            )
        )
        #expect(again.event.dedupKey == "evt_a" && again.attempt == 2, "an expired claim comes back, attempt 2")
        try await inbox.retryWebhookDelivery(first, at: epoch + 100, reason: "stale owner", now: epoch + 11)
        try await other.completeWebhookDelivery(again, now: epoch + 11)
        try await other.retryWebhookDelivery(next, at: epoch + 40, reason: "exit status 1", now: epoch + 12)
        #expect(
            try await inbox.claimWebhookEvent(consumer: "c", owner: "x", claimUntil: epoch + 50, now: epoch + 39)
                == nil,
            "a retry waits for its time, a completed event never comes back"
        )
        let retried = try #require(
            try await inbox.claimWebhookEvent(
                consumer: "c",
                owner: "x",
                claimUntil: epoch + 50,
                now: epoch + 40
            )
        )
        #expect(retried.event.dedupKey == "evt_b" && retried.attempt == 2)
        try await inbox.completeWebhookDelivery(retried, now: epoch + 41)
        #expect(
            try await inbox.claimWebhookEvent(consumer: "c", owner: "x", claimUntil: epoch + 999, now: epoch + 900)
                == nil
        )
        let fresh = try await inbox.claimWebhookEvent(consumer: "d", owner: "x", claimUntil: epoch + 9, now: epoch)
        #expect(fresh?.event.dedupKey == "evt_a" && fresh?.attempt == 1, "another consumer has its own deliveries")
    }
}
