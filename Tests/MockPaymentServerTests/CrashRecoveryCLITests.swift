import AgentRetry
import AgentRetryTesting
import Foundation
import MockPaymentServer
import PostgresTestServer
import Testing

/// An orchestrator re-invokes a SIGKILLed agent at once: the new `agent-retry` process takes the dead
/// process's lease over instead of waiting for it to expire, on a SQLite file (the dead process is
/// gone from `/proc`) and on PostgreSQL (its session ended with it). A live holder is still waited
/// for. Leases here last 600 s, and an invocation waits 5 s for one: a re-run that proceeds did not
/// wait the lease out.
@Suite("agent-retry re-invoked at once after a SIGKILL", .serialized)
struct CrashRecoveryCLITests {
    /// A new store of `kind`: a SQLite file path, or a new PostgreSQL database's connection string.
    private func newStore(_ kind: String) async throws -> String {
        kind == "postgres" ? try await PostgresTestServer.shared().makeDatabaseURL() : CLIChild.storePath()
    }

    private func post(
        _ server: MockPaymentServer,
        store: String,
        task: String,
        pauseAt: String? = nil
    ) throws -> CLIChild {
        try CLIChild.start(
            [
                "post", server.baseURL + "/v1/payment_intents", "--store", store, "--task-id", task,
                "--header", "Authorization: Bearer sk_test_cli", "--form", "amount=1200", "--form", "currency=usd",
                "--form", "payment_method=pm_card_visa", "--form", "confirm=true", "--form",
                "metadata[task_id]=\(task)", "--lease-seconds", "600",
            ],
            pauseAt: pauseAt
        )
    }

    @Test(
        "SIGKILLed mid-call, re-invoked at once: the re-run takes the lease over and ends with one charge",
        arguments: ["sqlite", "postgres"],
        ["after-persist", "after-response"]
    )
    func reinvokedAtOnce(_ kind: String, _ point: String) async throws {
        try await withMockServer { server, _ in
            let store = try await self.newStore(kind)
            let first = try self.post(server, store: store, task: "at-once", pauseAt: point)
            #expect(await first.waitForPause().contains("paused: \(point)"))
            try await first.kill()
            let (status, json) = try await self.post(server, store: store, task: "at-once").finish()
            #expect(status == 0, "\(json)")
            #expect(json["status"] == "succeeded")
            #expect(json["replayed"] == .bool(point == "after-response"))
            #expect(server.ledger.count == 1)
            #expect(Set(server.journal.compactMap(\.idempotencyKey)) == [json["idempotency_key"]?.stringValue ?? ""])
        }
    }

    @Test(
        "A live holder (paused, not killed) still makes a second invocation wait: in_progress_elsewhere, exit 50",
        arguments: ["sqlite", "postgres"]
    )
    func liveHolderWaitedFor(_ kind: String) async throws {
        try await withMockServer { server, _ in
            let store = try await self.newStore(kind)
            let first = try self.post(server, store: store, task: "alive", pauseAt: "after-persist")
            #expect(await first.waitForPause().contains("paused: after-persist"))
            let (status, json) = try await self.post(server, store: store, task: "alive").finish()
            #expect(status == 50, "\(json)")
            #expect(json["status"] == "in_progress_elsewhere")
            #expect(server.journal.isEmpty)
            #expect(first.process.isRunning)
            // Once it is killed, the next invocation proceeds at once.
            try await first.kill()
            let (after, report) = try await self.post(server, store: store, task: "alive").finish()
            #expect(after == 0, "\(report)")
            #expect(server.ledger.count == 1)
        }
    }

    @Test(
        "A checkout SIGKILLed holding a lease (its create's lock, its complete's), re-invoked at once: one order",
        arguments: ["sqlite", "postgres"],
        ["after-response:create", "after-persist:complete"]
    )
    func checkoutReinvokedAtOnce(_ kind: String, _ point: String) async throws {
        try await withMockServer { server, _ in
            let store = try await self.newStore(kind)
            let cart = try CheckoutCLITests.cartFile()
            let arguments = [
                "checkout", "--server", server.baseURL, "--api-key", testKey, "--store", store, "--task-id", "order",
                "--cart", cart, "--lease-seconds", "600", "--settle-seconds", "5",
            ]
            let first = try CLIChild.start(arguments, pauseAt: point)
            #expect(await first.waitForPause().contains("paused: \(point)"))
            try await first.kill()
            let (status, json) = try await CLIChild.start(arguments).finish()
            #expect(status == 0, "\(json)")
            #expect(json["status"] == "completed")
            #expect(server.orders.count == 1)
            #expect(server.createKeys.count == 1)
        }
    }
}
