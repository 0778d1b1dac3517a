import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// `agent-retry mcp --protocol acp-mcp`: MCP on both sides. A model's host calls the server's
/// `checkout` tool over stdio; the server checks out through the merchant's own MCP endpoint
/// (the mock's `/mcp`). Killed mid-complete and started again, the same call buys once.
@Suite("agent-retry mcp over ACP's MCP binding", .serialized)
struct MCPServerOverBindingTests {
    static func start(_ server: MockPaymentServer, store: String) async throws -> MCPChild {
        let child = try MCPChild.start([
            "--protocol", "acp-mcp", "--server", server.baseURL + "/mcp", "--store", store, "--lease-seconds", "15",
            "--settle-seconds", "5",
        ])
        try await child.initialize()
        return child
    }

    @Test("checkout over the binding, the server killed during complete and started again: one order, one session")
    func killedMidComplete() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.mcpBinding = MCPBindingBehaviour(encoding: .eventStream)
        configuration.faults = [.heldComplete]
        try await withMockServer(configuration) { server, _ in
            let store = CLIChild.storePath()
            let first = try await Self.start(server, store: store)
            first.sendRequest(1, "tools/call", MCPChild.call("checkout", MCPServerTests.checkout("both-mcp")))
            try await server.waitForLedger("order")
            try #require(server.orders.count == 1, "the complete never reached the merchant")
            try await first.kill()
            try await Task.sleep(for: .milliseconds(3100))
            let second = try await Self.start(server, store: store)
            let result = try await second.callTool(2, "checkout", MCPServerTests.checkout("both-mcp"))
            let json = try #require(result["structuredContent"])
            #expect(json["status"] == "completed", "\(json)")
            #expect(json["order_id"]?.stringValue == server.orders.first?.id)
            let again = try await second.callTool(3, "checkout", MCPServerTests.checkout("both-mcp"))
            #expect(again["structuredContent"]?["order_id"] == json["order_id"])
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            let checkoutCalls = server.journal.filter { $0.path.hasPrefix("/checkout_sessions") }
            #expect(!checkoutCalls.isEmpty)
            #expect(checkoutCalls.allSatisfy { $0.mcp?.hasPrefix("tools/call ") == true })
            _ = try await second.close()
        }
    }
}
