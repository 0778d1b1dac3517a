import AgentRetry
import Foundation
import MockPaymentServer
import PostgresTestServer
import Testing

/// `agent-retry post` as real child processes, killed with SIGKILL at exact steps, on a SQLite file
/// and on a PostgreSQL database.
@Suite("agent-retry post across crashes and processes", .serialized)
struct AgentRetryCLITests {
    /// A new store of `kind`: a SQLite file path, or a new PostgreSQL database's connection string.
    private func newStore(_ kind: String) async throws -> String {
        kind == "postgres" ? try await PostgresTestServer.shared().makeDatabaseURL() : CLIChild.storePath()
    }

    private func start(
        _ server: MockPaymentServer,
        store: String,
        task: String,
        pauseAt: String? = nil,
        extra: [String] = []
    ) throws -> CLIChild {
        try CLIChild.start(
            [
                "post", server.baseURL + "/v1/payment_intents", "--store", store, "--task-id", task,
                "--header", "Authorization: Bearer sk_test_cli", "--form", "amount=1200", "--form", "currency=usd",
                "--form", "payment_method=pm_card_visa", "--form", "confirm=true", "--form",
                "metadata[task_id]=\(task)",
                "--lease-seconds", "15",
            ] + extra,
            pauseAt: pauseAt
        )
    }

    @Test(
        "Killed after persisting, before sending: the re-run sends with the same key, one charge",
        arguments: ["sqlite", "postgres"]
    )
    func killedBeforeSending(_ kind: String) async throws {
        try await withMockServer { server, _ in
            let store = try await self.newStore(kind)
            let first = try self.start(server, store: store, task: "crash-a", pauseAt: "after-persist")
            #expect(await first.waitForPause().contains("paused: after-persist"))
            try await first.kill()
            #expect(server.ledger.isEmpty)
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await self.start(server, store: store, task: "crash-a").finish()
            #expect(status == 0, "\(json)")
            #expect(json["status"] == "succeeded")
            #expect(server.ledger.count == 1)
            #expect(Set(server.journal.compactMap(\.idempotencyKey)) == [json["idempotency_key"]?.stringValue ?? ""])
        }
    }

    @Test(
        "Killed after the server committed, before the response arrived: the re-run gets the replay",
        arguments: ["sqlite", "postgres"]
    )
    func killedWhileResponseLost(_ kind: String) async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(
                method: "POST",
                path: "/v1/payment_intents",
                action: .stallAfterCommit(milliseconds: 20_000),
                count: 1
            )
        ]
        try await withMockServer(configuration) { server, _ in
            let store = try await self.newStore(kind)
            let first = try self.start(server, store: store, task: "crash-b")
            try await server.waitForLedger()
            try await first.kill()
            #expect(server.ledger.count == 1)
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await self.start(server, store: store, task: "crash-b").finish()
            #expect(status == 0, "\(json)")
            #expect(json["replayed"] == true)
            #expect(server.ledger.count == 1)
        }
    }

    @Test(
        "Killed after the response, before the outcome was persisted: the re-run gets the replay",
        arguments: ["sqlite", "postgres"]
    )
    func killedBeforePersistingOutcome(_ kind: String) async throws {
        try await withMockServer { server, _ in
            let store = try await self.newStore(kind)
            let first = try self.start(server, store: store, task: "crash-c", pauseAt: "after-response")
            #expect(await first.waitForPause().contains("paused: after-response"))
            try await first.kill()
            #expect(server.ledger.count == 1)
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await self.start(server, store: store, task: "crash-c").finish()
            #expect(status == 0, "\(json)")
            #expect(json["replayed"] == true)
            #expect(json["attempts"] == 2)
            #expect(server.ledger.count == 1)
        }
    }

    @Test(
        "Three processes start the same intent at the same moment, on a new store: one charge",
        arguments: ["sqlite", "postgres"]
    )
    func twoProcessesRace(_ kind: String) async throws {
        try await withMockServer { server, _ in
            let store = try await self.newStore(kind)
            let runs = try (0..<3).map { _ in try self.start(server, store: store, task: "race") }
            var statuses: [Int32] = []
            for run in runs { statuses.append(try await run.finish().status) }
            #expect(statuses.allSatisfy { $0 == 0 || $0 == 50 }, "exit statuses \(statuses)")
            #expect(statuses.contains(0))
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Exit codes: a changed body is a conflict (30), a bad option is usage (2)")
    func exitCodes() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let (first, _) = try await self.start(server, store: store, task: "codes").finish()
            #expect(first == 0)
            let (changed, json) = try await self.start(
                server,
                store: store,
                task: "codes",
                extra: ["--form", "description=other"]
            ).finish()
            #expect(changed == 30)
            #expect(json["status"] == "conflict")
            let (usage, _) = try await self.start(server, store: store, task: "codes", extra: ["--profile", "nope"])
                .finish()
            #expect(usage == 2)
            // A malformed connection string is a usage error that never echoes the password.
            let malformed = try CLIChild.start([
                "post", server.baseURL + "/v1/payment_intents", "--store", "postgres://agent:hunter22@/payments",
                "--task-id", "codes",
            ])
            let (badStore, _) = try await malformed.finish()
            let message = String(decoding: malformed.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(badStore == 2)
            #expect(message.contains("names no host") && !message.contains("hunter22"))
            // A database that is not there: exit 1, the location named, nothing sent.
            let requestsBefore = server.journal.count
            let (unreachable, report) = try await self.start(
                server,
                store: "postgres://agent:hunter22@127.0.0.1:1/payments",
                task: "down"
            ).finish()
            #expect(unreachable == 1)
            #expect(report["message"]?.stringValue?.contains("127.0.0.1:1/payments") == true)
            #expect(report["message"]?.stringValue?.contains("hunter22") == false)
            #expect(server.journal.count == requestsBefore)
        }
    }
}
