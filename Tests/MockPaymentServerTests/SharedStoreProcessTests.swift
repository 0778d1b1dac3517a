import AgentRetry
import AgentRetryPostgres
import AgentRetryTesting
import Foundation
import MockPaymentServer
import PostgresTestServer
import Testing

/// Orchestrators on several machines, played by several processes: one PostgreSQL store, one
/// merchant with faults, SIGKILLs at random moments.
@Suite("Worker processes sharing one PostgreSQL store")
struct SharedStoreProcessTests {
    static let workers = 4
    static let tasks = 50

    @Test(
        "Four worker processes, one secret each, do the same 50 tasks through faults and SIGKILLs: exactly 50 charges"
    )
    func fourWorkersFiftyTasks() async throws {
        let database = try await PostgresTestServer.shared()
        let name = try await database.makeDatabase().database
        let store = database.url(database: name) + "?sslmode=disable&pool_size=4"
        var configuration = MockPaymentServer.Configuration(seed: 11)
        configuration.faults = [
            FaultRule(action: .dropAfterCommit, probability: 0.2),
            FaultRule(action: .statusBefore(status: 503, retryAfter: nil), probability: 0.1),
            FaultRule(action: .latency(milliseconds: 150), probability: 0.1),
        ]
        try await withMockServer(configuration) { server, _ in
            let arguments = [
                server.baseURL, "--store", store, "--tasks", "\(Self.tasks)", "--task-prefix", "shared",
                "--lease-seconds", "2",
                "--concurrency", "10",
            ]
            // Each worker derives its keys under a secret of its own, so the merchant's own
            // idempotency cannot hide a store that lets two workers create or send the same
            // task: only the store's identity look-up and leases keep the charges to one per task.
            // Each is killed twice at a random moment of its work (if still running), then runs to its end.
            let kills = try await concurrently(Self.workers) { worker -> Int in
                var killed = 0
                for round in 0..<3 {
                    let child = try CLIChild.start(
                        executable: CLIChild.product("orchestrator"),
                        arguments,
                        environment: ["AGENT_RETRY_SECRET": "worker-\(worker)-secret-0123456789abcdef"]
                    )
                    if round < 2 {
                        try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500)))
                        if child.process.isRunning { killed += 1 }
                        try await child.kill()
                    } else {
                        _ = try await child.finish()
                    }
                }
                return killed
            }
            #expect(kills.reduce(0, +) >= Self.workers)

            // Once the killed workers' leases have expired, one more pass finds every task done.
            var status: Int32 = -1
            for _ in 0..<3 where status != 0 {
                try await Task.sleep(for: .seconds(2.5))
                status = try await CLIChild.start(
                    executable: CLIChild.product("orchestrator"),
                    arguments,
                    environment: ["AGENT_RETRY_SECRET": "final-pass-secret-0123456789abcdef"]
                ).finish().status
            }
            #expect(status == 0)

            let orders = server.ledger.filter { $0.kind == "order" }
            #expect(orders.count == Self.tasks)
            #expect(Set(orders.compactMap(\.taskID)).count == Self.tasks)
            #expect(server.duplicateCharges.isEmpty)
            #expect(server.journal.contains { $0.fault != nil })
            // In the store: one record per intent, whatever secret each worker held (but for the
            // merchant's version notes, where the newest of several wins by design).
            let records = try await database.execute(
                "SELECT CAST(count(*) AS TEXT) FROM agentretry_record",
                database: name
            )
            #expect(Int(records.first.flatMap { $0 } ?? "0") ?? 0 >= Self.tasks)
            let doubled = try await database.execute(
                """
                SELECT CAST(count(*) AS TEXT)
                FROM (
                    SELECT intent_fingerprint FROM agentretry_record WHERE operation <> 'acp.merchant_version'
                    GROUP BY 1 HAVING count(*) > 1
                ) AS d
                """,
                database: name
            )
            #expect(doubled == ["0"])
        }
    }
}
