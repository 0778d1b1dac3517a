import AgentRetry
import Foundation
import MockPaymentServer
import Synchronization
import Testing

/// `Examples/mcp/agent.py`, a Python agent on the official MCP SDK (PyPI `mcp`, installed by
/// `make test`), driving the built `agent-retry mcp` over stdio against the mock merchant.
@Suite("Examples/mcp/agent.py")
struct MCPExampleTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    @Test("The Python MCP client checks out, retries with the same task id, and gets the same order: one order")
    func pythonAgent() async throws {
        try await withMockServer { server, _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", Self.examples.appendingPathComponent("mcp/agent.py").path,
                "--agent-retry", CLIChild.executable.path, "--server", server.baseURL,
                "--store", CLIChild.storePath(), "--task-id", "python-agent",
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["AGENT_RETRY_API_KEY"] = testKey
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try CLIChild.launches.withLock { _ in try process.run() }
            let text = await withCheckedContinuation { continuation in
                Thread {
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    continuation.resume(returning: String(decoding: data, as: UTF8.self))
                }.start()
            }
            while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            #expect(process.terminationStatus == 0, "\(text)")
            let last = text.split(separator: "\n").last.map(String.init) ?? ""
            let json = try JSONValue(parsing: Array(last.utf8))
            #expect(json["same_order"] == true)
            #expect(json["first"]?["status"] == "completed")
            #expect(json["retry"]?["from_store"] == true)
            #expect(json["first"]?["order_id"]?.stringValue == server.orders.first?.id)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
        }
    }
}
