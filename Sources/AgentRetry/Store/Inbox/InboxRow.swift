import Foundation

/// A row of the inbox's tables as a store hands it over: what it found in each named column, read
/// as the column's kind. A missing, unreadable or `NULL` cell where a value must be is a
/// `corruptRecord` error naming the row, and the row stays as it is.
package struct InboxRow {
    private let cell: (String, StoreColumn.Kind) -> StoredRow.Cell

    /// A row whose cells `cell` reads by column name and kind.
    package init(_ cell: @escaping (String, StoreColumn.Kind) -> StoredRow.Cell) {
        self.cell = cell
    }

    private func corrupt(_ why: String) -> IdempotencyStoreError {
        let key = self.optionalText("dedup_key") ?? self.optionalText("order_id") ?? "?"
        return IdempotencyStoreError(code: .corruptRecord, message: "webhook inbox row \(key): \(why)")
    }

    private func optionalText(_ name: String) -> String? {
        if case .value(.text(let text)) = self.cell(name, .text) { text } else { nil }
    }

    private func optional<Value>(
        _ name: String,
        _ kind: StoreColumn.Kind,
        _ read: (StoredValue) -> Value?
    ) throws(IdempotencyStoreError) -> Value? {
        switch self.cell(name, kind) {
        case .missing: throw self.corrupt("column \(name) is missing")
        case .unreadable: throw self.corrupt("column \(name) is of the wrong type")
        case .value(.null): return nil
        case .value(let value):
            guard let read = read(value) else { throw self.corrupt("column \(name) is of the wrong type") }
            return read
        }
    }

    private func required<Value>(
        _ name: String,
        _ kind: StoreColumn.Kind,
        _ read: (StoredValue) -> Value?
    ) throws(IdempotencyStoreError) -> Value {
        guard let value = try self.optional(name, kind, read) else { throw self.corrupt("column \(name) is null") }
        return value
    }

    /// The row of the events table as an event.
    package func event() throws(IdempotencyStoreError) -> WebhookInboxEvent {
        WebhookInboxEvent(
            dedupKey: try self.required("dedup_key", .text, \.text),
            scheme: try self.required("scheme", .text, \.text),
            eventID: try self.optional("event_id", .text, \.text),
            eventType: try self.optional("event_type", .text, \.text),
            taskID: try self.optional("task_id", .text, \.text),
            orderID: try self.optional("order_id", .text, \.text),
            sessionID: try self.optional("session_id", .text, \.text),
            orderStatus: try self.optional("order_status", .text, \.text),
            orderRank: try self.optional("order_rank", .integer, \.integer),
            body: try self.required("body", .blob, \.blob),
            receivedAt: Date(timeIntervalSince1970: try self.required("received_at", .real, \.real))
        )
    }

    /// The row of the order states table as a state.
    package func order() throws(IdempotencyStoreError) -> WebhookOrderState {
        WebhookOrderState(
            orderID: try self.required("order_id", .text, \.text),
            taskID: try self.optional("task_id", .text, \.text),
            sessionID: try self.optional("session_id", .text, \.text),
            status: try self.required("status", .text, \.text),
            rank: try self.required("status_rank", .integer, \.integer),
            dedupKey: try self.required("dedup_key", .text, \.text),
            updatedAt: Date(timeIntervalSince1970: try self.required("updated_at", .real, \.real))
        )
    }

    /// The claim's answer: the event's dedup key and the attempt.
    package func claim() throws(IdempotencyStoreError) -> (dedupKey: String, attempt: Int) {
        (try self.required("dedup_key", .text, \.text), try self.required("attempts", .integer, \.integer))
    }

    /// The delivery a claim of `key` at `attempt` makes with `event`, the events table's row of
    /// that key (`nil`: it vanished): the step both SQL stores take after their claim.
    package static func delivery(
        claimed key: String,
        attempt: Int,
        event: InboxRow?,
        consumer: String,
        owner: String
    ) throws(IdempotencyStoreError) -> WebhookInboxDelivery {
        guard let event else {
            throw IdempotencyStoreError(code: .corruptRecord, message: "webhook event \(key) vanished")
        }
        return WebhookInboxDelivery(event: try event.event(), consumer: consumer, owner: owner, attempt: attempt)
    }
}
