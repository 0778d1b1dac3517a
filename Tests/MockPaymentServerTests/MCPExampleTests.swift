import AgentRetry
import AgentRetryTesting
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
            let outcome = try await PythonCheck.run(
                file: Self.examples.appendingPathComponent("mcp/agent.py"),
                arguments: [
                    "--agent-retry", CLIChild.executable.path, "--server", server.baseURL,
                    "--store", CLIChild.storePath(), "--task-id", "python-agent",
                ],
                environment: ["AGENT_RETRY_API_KEY": testKey]
            )
            let text = outcome.output
            #expect(outcome.status == 0, "\(text)")
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
