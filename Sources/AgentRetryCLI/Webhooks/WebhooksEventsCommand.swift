import AgentRetry
import AgentRetryPostgres
import ArgumentParser
import Foundation

/// `agent-retry webhooks events`: what the inbox knows of a task's order.
struct WebhooksEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print what the webhook inbox knows of a task's order: its state and its events.",
        discussion: """
            Prints one JSON object: status "ok", "orders" (each order's latest state by rank: order_id, \
            task_id, session_id, status, dedup_key, updated_at) and "events" (every event recorded, oldest \
            first, without its body). Select by --task-id (the events' metadata.task_id), --order-id or \
            --session-id (an ACP checkout session); several select what any of them matches.\n\n\
            Exit codes: 0 done (also when nothing is known), 2 usage, 1 internal (the store failed).
            """
    )

    @Option(help: "The store: a SQLite file, or postgres://USER@HOST:PORT/DB (password in PGPASSWORD).")
    var store: String
    @Option(name: .customLong("task-id"), help: "The task.") var taskID: String?
    @Option(name: .customLong("order-id"), help: "The order (an ACP order id, a PaymentIntent id).")
    var orderID: String?
    @Option(name: .customLong("session-id"), help: "The ACP checkout session.") var sessionID: String?

    var query: WebhookInboxQuery {
        WebhookInboxQuery(taskID: self.taskID, orderID: self.orderID, sessionID: self.sessionID)
    }

    func validate() throws {
        guard self.taskID != nil || self.orderID != nil || self.sessionID != nil else {
            throw ValidationError("give --task-id, --order-id or --session-id")
        }
        if !PostgresIdempotencyStore.Configuration.isConnectionString(self.store),
            !FileManager.default.fileExists(atPath: self.store)
        {
            throw ValidationError("--store: no store file at that path")
        }
    }

    func run() async throws {
        let store = try await StoreOptions.open(self.store)
        let result: Result<([WebhookOrderState], [WebhookInboxEvent]), any Error>
        do {
            result = .success(
                (
                    try await store.webhookOrders(matching: self.query),
                    try await store.webhookEvents(matching: self.query)
                )
            )
        } catch {
            result = .failure(error)
        }
        await (store as? PostgresIdempotencyStore)?.close()
        let (orders, events) = try result.get()
        CommandOutput.report([
            "status": "ok", "orders": .array(orders.map(\.json)), "events": .array(events.map(\.summaryJSON)),
        ])
    }
}
