import AgentRetry
import Foundation
import MockPaymentServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `agent-retry post` as real child processes, killed with SIGKILL at exact steps.
@Suite("agent-retry post across crashes and processes", .serialized)
struct AgentRetryCLITests {
    struct Run {
        let process: Process
        let stdout: Pipe
        let stderr: Pipe
    }

    private static var executable: URL {
        let main = Bundle.main.bundleURL
        let candidates = [main, main.deletingLastPathComponent()].map { $0.appendingPathComponent("agent-retry") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    private func start(_ server: MockPaymentServer, store: String, task: String, pauseAt: String? = nil, extra: [String] = []) throws -> Run {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = [
            "post", server.baseURL + "/v1/payment_intents", "--store", store, "--task-id", task,
            "--header", "Authorization: Bearer sk_test_cli", "--form", "amount=1200", "--form", "currency=usd",
            "--form", "payment_method=pm_card_visa", "--form", "confirm=true", "--form", "metadata[task_id]=\(task)",
            "--lease-seconds", "1",
        ] + extra
        var environment = ProcessInfo.processInfo.environment
        environment["AGENT_RETRY_PAUSE_AT"] = pauseAt
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return Run(process: process, stdout: stdout, stderr: stderr)
    }

    /// Waits for the child's `paused:` line on stderr, read on a thread of its own.
    private func waitForPause(_ run: Run) async -> String {
        await withCheckedContinuation { continuation in
            let handle = run.stderr.fileHandleForReading
            Thread {
                var text = ""
                while !text.contains("\n") {
                    let chunk = handle.readData(ofLength: 1)
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }.start()
        }
    }

    private func finish(_ run: Run) async throws -> (status: Int32, json: JSONValue) {
        let output = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: run.stdout.fileHandleForReading.readDataToEndOfFile()) }.start()
        }
        while run.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        return (run.process.terminationStatus, (try? JSONValue(parsing: [UInt8](output))) ?? .null)
    }

    private func kill(_ run: Run) async throws {
        Glibc.kill(run.process.processIdentifier, SIGKILL)
        while run.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
    }

    private func storePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
    }

    @Test("Killed after persisting, before sending: the re-run sends with the same key, one charge")
    func killedBeforeSending() async throws {
        try await withMockServer { server, _ in
            let store = self.storePath()
            let first = try self.start(server, store: store, task: "crash-a", pauseAt: "after-persist")
            #expect(await self.waitForPause(first).contains("paused: after-persist"))
            try await self.kill(first)
            #expect(server.ledger.isEmpty)
            try await Task.sleep(for: .milliseconds(1100))
            let (status, json) = try await self.finish(try self.start(server, store: store, task: "crash-a"))
            #expect(status == 0)
            #expect(json["status"] == "succeeded")
            #expect(server.ledger.count == 1)
            #expect(Set(server.journal.compactMap(\.idempotencyKey)) == [json["idempotency_key"]?.stringValue ?? ""])
        }
    }

    @Test("Killed after the server committed, before the response arrived: the re-run gets the replay")
    func killedWhileResponseLost() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [FaultRule(method: "POST", path: "/v1/payment_intents", action: .stallAfterCommit(milliseconds: 20_000), count: 1)]
        try await withMockServer(configuration) { server, _ in
            let store = self.storePath()
            let first = try self.start(server, store: store, task: "crash-b")
            let deadline = ContinuousClock.now + .seconds(10)
            while server.ledger.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try await self.kill(first)
            #expect(server.ledger.count == 1)
            try await Task.sleep(for: .milliseconds(1100))
            let (status, json) = try await self.finish(try self.start(server, store: store, task: "crash-b"))
            #expect(status == 0)
            #expect(json["replayed"] == true)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Killed after the response, before the outcome was persisted: the re-run gets the replay")
    func killedBeforePersistingOutcome() async throws {
        try await withMockServer { server, _ in
            let store = self.storePath()
            let first = try self.start(server, store: store, task: "crash-c", pauseAt: "after-response")
            #expect(await self.waitForPause(first).contains("paused: after-response"))
            try await self.kill(first)
            #expect(server.ledger.count == 1)
            try await Task.sleep(for: .milliseconds(1100))
            let (status, json) = try await self.finish(try self.start(server, store: store, task: "crash-c"))
            #expect(status == 0)
            #expect(json["replayed"] == true)
            #expect(json["attempts"] == 2)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Three processes start the same intent at the same moment, on a new store file: one charge")
    func twoProcessesRace() async throws {
        try await withMockServer { server, _ in
            let store = self.storePath()
            let runs = try (0..<3).map { _ in try self.start(server, store: store, task: "race") }
            var statuses: [Int32] = []
            for run in runs { statuses.append(try await self.finish(run).status) }
            #expect(statuses.allSatisfy { $0 == 0 || $0 == 50 }, "exit statuses \(statuses)")
            #expect(statuses.contains(0))
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Exit codes: a changed body is a conflict (30), a bad option is usage (2)")
    func exitCodes() async throws {
        try await withMockServer { server, _ in
            let store = self.storePath()
            let (first, _) = try await self.finish(try self.start(server, store: store, task: "codes"))
            #expect(first == 0)
            let (changed, json) = try await self.finish(try self.start(server, store: store, task: "codes", extra: ["--form", "description=other"]))
            #expect(changed == 30)
            #expect(json["status"] == "conflict")
            let (usage, _) = try await self.finish(try self.start(server, store: store, task: "codes", extra: ["--profile", "nope"]))
            #expect(usage == 2)
        }
    }
}
