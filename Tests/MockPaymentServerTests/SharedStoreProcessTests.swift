import AgentRetry
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

    @Test("Four worker processes work through the same 50 tasks through faults and SIGKILLs: exactly 50 charges")
    func fourWorkersFiftyTasks() async throws {
        let store = try await PostgresTestServer.shared().makeDatabaseURL(parameters: "sslmode=disable&pool_size=4")
        var configuration = MockPaymentServer.Configuration(seed: 11)
        configuration.faults = [
            FaultRule(action: .dropAfterCommit, probability: 0.2),
            FaultRule(action: .statusBefore(status: 503, retryAfter: nil), probability: 0.1),
            FaultRule(action: .latency(milliseconds: 150), probability: 0.1),
        ]
        try await withMockServer(configuration) { server, _ in
            let arguments = [server.baseURL, "--store", store, "--tasks", "\(Self.tasks)", "--task-prefix", "shared", "--lease-seconds", "2"]
            // Each worker is killed twice at a random moment of its work, then runs to its end.
            let kills = try await concurrently(Self.workers) { worker -> Int in
                var killed = 0
                for round in 0..<3 {
                    let child = try CLIChild.start(executable: CLIChild.product("orchestrator"), arguments)
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
                status = try await CLIChild.start(executable: CLIChild.product("orchestrator"), arguments).finish().status
            }
            #expect(status == 0)

            let orders = server.ledger.filter { $0.kind == "order" }
            #expect(orders.count == Self.tasks)
            #expect(Set(orders.compactMap(\.taskID)).count == Self.tasks)
            #expect(server.duplicateCharges.isEmpty)
            #expect(server.journal.contains { $0.fault != nil })
        }
    }
}

/// Runs `count` copies of `body` at once and collects their results.
private func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
    try await withThrowingTaskGroup(of: T.self) { group in
        for index in 0..<count { group.addTask { try await body(index) } }
        var results: [T] = []
        for try await result in group { results.append(result) }
        return results
    }
}
