import AgentRetry
import AgentRetryACP
import AgentRetryTesting
import Foundation
import MockPaymentServer
import Testing

/// The example agents in `Examples/`, run as their readers will run them, against the mock server.
@Suite("Example agents", .serialized)
struct ExamplesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    static func scriptEnvironment(_ server: MockPaymentServer) -> [String: String?] {
        ["AGENT_RETRY": CLIChild.executable.path, "SERVER": server.baseURL, "STORE": CLIChild.storePath()]
    }

    @Test("ShoppingAgent checks the cart out over ACP, step by step; run again, it answers from the store")
    func shoppingAgent() async throws {
        try await withMockServer { server, _ in
            let agent = CLIChild.product("shopping-agent")
            let taskID = "example-shopper-\(UUID().uuidString.prefix(6))"
            let first = try CLIChild.start(executable: agent, [server.baseURL, taskID])
            let output = await withCheckedContinuation { continuation in
                Thread {
                    continuation.resume(
                        returning: String(
                            decoding: first.stdout.fileHandleForReading.readDataToEndOfFile(),
                            as: UTF8.self
                        )
                    )
                }.start()
            }
            while first.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            #expect(first.process.terminationStatus == 0)
            #expect(output.contains("step: anchored"))
            #expect(output.contains("status: completed"))
            let requests = server.journal.count
            let (again, _) = try await CLIChild.start(executable: agent, [server.baseURL, taskID]).finish()
            #expect(again == 0)
            #expect(server.journal.count == requests, "the second run answers from the store")
            #expect(server.orders.count == 1)
        }
    }

    @Test("Orchestrator runs 100 tasks at once on one client and store, through faults: 100 orders, none twice")
    func orchestrator() async throws {
        var configuration = MockPaymentServer.Configuration(seed: 3)
        configuration.faults = [
            FaultRule(action: .dropAfterCommit, probability: 0.2),
            FaultRule(action: .statusBefore(status: 503, retryAfter: nil), probability: 0.1),
        ]
        try await withMockServer(configuration) { server, _ in
            let (status, _) = try await CLIChild.start(executable: CLIChild.product("orchestrator"), [server.baseURL])
                .finish()
            #expect(status == 0)
            #expect(server.orders.count == 100)
            #expect(server.duplicateCharges.isEmpty)
            #expect(server.journal.contains { $0.fault != nil })
        }
    }

    @Test(
        "retrying-agent.sh re-invokes agent-retry checkout until a terminal exit code",
        arguments: [
            ("spt_test_success", Int32(0)), ("spt_test_declined", Int32(10)),
        ]
    )
    func shellAgent(_ token: String, _ expected: Int32) async throws {
        try await withMockServer { server, _ in
            var cart = testCart
            cart.members["payment_token"] = .string(token)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "shell-cart-\(UUID().uuidString).json"
            ).path
            try Data(cart.acpJSON.serialized()).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let script = Self.examples.appendingPathComponent("scripts/retrying-agent.sh").path
            let (status, _) = try await CLIChild.start(
                executable: URL(fileURLWithPath: "/bin/bash"),
                [script, "shell-\(token)", path],
                environment: Self.scriptEnvironment(server)
            ).finish()
            #expect(status == expected)
            #expect(server.orders.count == (expected == 0 ? 1 : 0))
        }
    }

    @Test(
        "agent.py, a standard-library tool-calling agent, drives the CLI to an order through a timeout-but-success"
    )
    func pythonAgent() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions/*/complete", action: .dropAfterCommit, count: 1)
        ]
        try await withMockServer(configuration) { server, _ in
            let script = Self.examples.appendingPathComponent("python/agent.py").path
            let run = try CLIChild.start(
                executable: URL(fileURLWithPath: "/usr/bin/env"),
                ["python3", script, "--server", server.baseURL, "--task-id", "python-\(UUID().uuidString.prefix(6))"],
                environment: Self.scriptEnvironment(server)
            )
            let (status, _) = try await run.finish()
            #expect(status == 0)
            #expect(server.orders.count == 1)
            #expect(server.journal.contains { $0.fault == "drop_after_commit" })
        }
    }
}
