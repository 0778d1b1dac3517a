import Foundation

/// The webhook inbox's tables (events, each consumer's deliveries, and order states) as each
/// database spells them: created by SQLite's migration v4 and PostgreSQL's version 3.
extension StoreSchema {
    /// The events table's name.
    package var eventTable: String { self.prefixed("webhook_event") }
    /// The deliveries table's name: one row per consumer and event once it was claimed.
    package var deliveryTable: String { self.prefixed("webhook_delivery") }
    /// The order states table's name.
    package var orderTable: String { self.prefixed("webhook_order") }

    private func prefixed(_ name: String) -> String {
        switch self.dialect {
        case .sqlite: name
        case .postgres: "agentretry_" + name
        }
    }

    /// The events table's columns, in order, with their kinds and whether they may be `NULL`.
    package static let eventColumns: [(name: String, kind: StoreColumn.Kind, nullable: Bool)] = [
        ("dedup_key", .text, false), ("scheme", .text, false), ("event_id", .text, true),
        ("event_type", .text, true), ("task_id", .text, true), ("order_id", .text, true),
        ("session_id", .text, true), ("order_status", .text, true), ("order_rank", .integer, true),
        ("body", .blob, false), ("received_at", .real, false),
    ]

    /// The statements that create the inbox's tables and indexes.
    package var createInbox: [String] {
        let (text, integer, real) = (self.type(of: .text), self.type(of: .integer), self.type(of: .real))
        let events = Self.eventColumns.map { column in
            "    \(column.name) \(self.type(of: column.kind))" + (column.nullable ? "" : " NOT NULL")
                + (column.name == "dedup_key" ? " PRIMARY KEY" : "")
        }
        return [
            "CREATE TABLE \(self.eventTable) (\n\(events.joined(separator: ",\n"))\n)",
            "CREATE INDEX \(self.eventTable)_task ON \(self.eventTable) (task_id)",
            "CREATE INDEX \(self.eventTable)_order ON \(self.eventTable) (order_id)",
            "CREATE INDEX \(self.eventTable)_session ON \(self.eventTable) (session_id)",
            "CREATE INDEX \(self.eventTable)_received ON \(self.eventTable) (received_at, dedup_key)",
            """
            CREATE TABLE \(self.deliveryTable) (
                consumer \(text) NOT NULL, dedup_key \(text) NOT NULL, state \(text) NOT NULL,
                owner \(text), available_at \(real) NOT NULL, attempts \(integer) NOT NULL,
                last_error \(text), updated_at \(real) NOT NULL, PRIMARY KEY (consumer, dedup_key))
            """,
            """
            CREATE TABLE \(self.orderTable) (
                order_id \(text) PRIMARY KEY NOT NULL, task_id \(text), session_id \(text),
                status \(text) NOT NULL, status_rank \(integer) NOT NULL, dedup_key \(text) NOT NULL,
                updated_at \(real) NOT NULL)
            """,
            "CREATE INDEX \(self.orderTable)_task ON \(self.orderTable) (task_id)",
            "CREATE INDEX \(self.orderTable)_session ON \(self.orderTable) (session_id)",
        ]
    }

    /// Inserts `event` unless its dedup key is there.
    package func insertEvent(_ event: WebhookInboxEvent) -> StoreStatement {
        let values: [StoreStatement] = [
            "\(event.dedupKey)", "\(event.scheme)", "\(event.eventID)", "\(event.eventType)", "\(event.taskID)",
            "\(event.orderID)", "\(event.sessionID)", "\(event.orderStatus)", "\(event.orderRank)",
            "\(event.body)", "\(event.receivedAt)",
        ]
        let names = Self.eventColumns.map(\.name).joined(separator: ", ")
        return """
            INSERT INTO \(sql: self.eventTable) (\(sql: names)) VALUES (\(.joined(values))) \
            ON CONFLICT (dedup_key) DO NOTHING
            """
    }

    /// Sets an order's state unless the state known has a rank as great: an older event arriving
    /// late does not move an order back. A task or session the new event lacks is kept.
    package func upsertOrder(_ state: WebhookOrderState) -> StoreStatement {
        let table = self.orderTable
        return """
            INSERT INTO \(sql: table) (order_id, task_id, session_id, status, status_rank, dedup_key, updated_at) \
            VALUES (\(state.orderID), \(state.taskID), \(state.sessionID), \(state.status), \(state.rank), \
            \(state.dedupKey), \(state.updatedAt)) \
            ON CONFLICT (order_id) DO UPDATE SET \
            task_id = coalesce(excluded.task_id, \(sql: table).task_id), \
            session_id = coalesce(excluded.session_id, \(sql: table).session_id), \
            status = excluded.status, status_rank = excluded.status_rank, dedup_key = excluded.dedup_key, \
            updated_at = excluded.updated_at \
            WHERE excluded.status_rank > \(sql: table).status_rank
            """
    }

    /// The `WHERE` clause of `query`: any of its fields matches (none: nothing).
    private func matching(_ query: WebhookInboxQuery) -> StoreStatement {
        var terms: [StoreStatement] = []
        if let task = query.taskID { terms.append("task_id = \(task)") }
        if let order = query.orderID { terms.append("order_id = \(order)") }
        if let session = query.sessionID { terms.append("session_id = \(session)") }
        return terms.isEmpty ? "1 = 0" : "(\(.joined(terms, separator: " OR ")))"
    }

    /// The events that match `query`, oldest first.
    package func selectEvents(matching query: WebhookInboxQuery) -> StoreStatement {
        "SELECT * FROM \(sql: self.eventTable) WHERE \(self.matching(query)) ORDER BY received_at, dedup_key"
    }

    /// The order states that match `query`.
    package func selectOrders(matching query: WebhookInboxQuery) -> StoreStatement {
        "SELECT * FROM \(sql: self.orderTable) WHERE \(self.matching(query)) ORDER BY updated_at, order_id"
    }

    /// The event with `dedupKey`.
    package func selectEvent(dedupKey: String) -> StoreStatement {
        "SELECT * FROM \(sql: self.eventTable) WHERE dedup_key = \(dedupKey)"
    }
}
