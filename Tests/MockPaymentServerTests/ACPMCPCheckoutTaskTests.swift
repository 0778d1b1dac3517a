import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// The anchored checkout task over ACP's MCP binding (`CheckoutTask.Merchant.acpMCP`), against the
/// mock's `/mcp` on a real socket through the libcurl transport.
@Suite("Anchored checkout task over ACP's MCP binding")
struct ACPMCPCheckoutTaskTests {
    @Test("create → update → complete as tool calls: one order; the re-run answers from the store with no request")
    func completesOnce() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, mcp: true)
            let outcome = try await task.run(taskID: "mcp-happy", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
            #expect(outcome.order?.checkoutSessionID == outcome.checkoutSessionID)
            let session = outcome.checkoutSessionID ?? "?"
            #expect(
                server.journal.compactMap(\.mcp) == [
                    "initialize", "notifications/initialized", "tools/call create_checkout_session",
                    "tools/call update_checkout_session", "tools/call complete_checkout_session",
                ]
            )
            #expect(
                server.journal.filter { $0.mcp?.hasPrefix("tools/call") == true }.map(\.path) == [
                    "/checkout_sessions", "/checkout_sessions/\(session)", "/checkout_sessions/\(session)/complete",
                ]
            )
            #expect(server.orders.map(\.taskID) == ["mcp-happy"])
            let requests = server.journal.count
            let again = try await task.run(taskID: "mcp-happy", cart: testCart, paymentToken: "spt_test_success")
            #expect(again.orderID == outcome.orderID)
            #expect(again.fromStore)
            #expect(server.journal.count == requests)
        }
    }

    @Test("The endpoint forgets the MCP session after create: 404, a new initialize, the same task completes once")
    func sessionForgotten() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, mcp: true) { event in
                if case .anchored = event { server.forgetMCPSessions() }
            }
            let outcome = try await task.run(taskID: "mcp-forgot", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
            #expect(server.journal.filter { $0.mcp == "initialize" }.count == 2)
            #expect(server.journal.contains { $0.path == "/mcp" && $0.status == 404 })
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
        }
    }

    @Test(
        "ACP errors over the binding are read by their code, in every error style: declined, out of stock, a conflict",
        arguments: [MCPBindingBehaviour.Errors.jsonRPC, .toolError]
    )
    func errorsByCode(_ errors: MCPBindingBehaviour.Errors) async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.mcpBinding = MCPBindingBehaviour(errors: errors)
        try await withMockServer(configuration) { server, transport in
            let task = try await makeCheckoutTask(server, transport, mcp: true)
            let declined = try await task.run(taskID: "mcp-no", cart: testCart, paymentToken: "spt_test_declined")
            #expect(declined.status == .declined)
            #expect(server.requests("POST", endingIn: "/complete").count == 1)
            var soldOut = testCart
            soldOut.members["line_items"] = [["id": "item_hoodie", "quantity": 1]]
            let refused = try await task.run(taskID: "mcp-oos", cart: soldOut, paymentToken: "spt_test_success")
            #expect(refused.status == .needsInput, "\(refused.reason ?? "")")
            #expect(server.orders.isEmpty)
            // The same task id with another cart: a conflict in the store, nothing sent.
            let requests = server.journal.count
            await #expect(throws: CheckoutTaskError.self) {
                _ = try await task.run(taskID: "mcp-no", cart: soldOut, paymentToken: "spt_test_declined")
            }
            #expect(server.journal.count == requests)
        }
    }
}
