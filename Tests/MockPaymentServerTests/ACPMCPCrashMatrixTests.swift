import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// `agent-retry checkout --protocol acp-mcp` against the mock's `/mcp`: the crash matrix of REST
/// (`CheckoutCLITests`, `ACPInteropMatrixTests`) over ACP's MCP binding, with real child processes
/// SIGKILLed at each step and real faults on the tool calls; every task ends completed with one
/// order and one session.
@Suite("agent-retry checkout --protocol acp-mcp across SIGKILLs and faults", .serialized)
struct ACPMCPCrashMatrixTests {
    /// The ways an MCP server may answer, as the mock plays them (`POST /__admin/merchant`).
    static let behaviours: [MCPBindingBehaviour] = [
        MCPBindingBehaviour(),
        MCPBindingBehaviour(results: .bare, encoding: .eventStream),
        MCPBindingBehaviour(errors: .toolError),
        MCPBindingBehaviour(results: .bare, errors: .toolError, encoding: .eventStream),
    ]

    static func merchant(_ behaviour: MCPBindingBehaviour = MCPBindingBehaviour()) -> MockPaymentServer.Configuration {
        var configuration = MockPaymentServer.Configuration()
        configuration.mcpBinding = behaviour
        return configuration
    }

    static func checkout(
        _ server: MockPaymentServer,
        store: String,
        task: String,
        cart: String,
        pauseAt: String? = nil
    ) throws -> CLIChild {
        try CLIChild.checkout(
            server: server.baseURL + "/mcp",
            store: store,
            task: task,
            cart: cart,
            pauseAt: pauseAt,
            extra: ["--protocol", "acp-mcp"]
        )
    }

    /// Checks the end of a task: completed, one order (the one reported), one session, every
    /// request of the checkout a tool call of the binding.
    static func expectOneOrder(_ server: MockPaymentServer, _ json: JSONValue, task: String, _ label: String) {
        #expect(json["status"] == "completed", "\(label): \(json)")
        #expect(server.orders.count == 1, "\(label)")
        #expect(server.orders.first?.id == json["order_id"]?.stringValue, "\(label)")
        #expect(server.checkoutSessionsByTask[task] == [json["checkout_session_id"]?.stringValue ?? "?"], "\(label)")
        #expect(server.createKeys.count == 1, "\(label)")
        let checkoutRequests = server.journal.filter { $0.path.hasPrefix("/checkout_sessions") }
        #expect(checkoutRequests.allSatisfy { $0.mcp?.hasPrefix("tools/call ") == true }, "\(label)")
    }

    @Test(
        "Killed at each step, re-run: one order, one session, the same anchor",
        arguments: [
            "after-persist:create", "after-response:create", "anchored", "after-persist:update",
            "after-response:update", "after-persist:complete", "after-response:complete",
        ]
    )
    func killedAtStep(_ point: String) async throws {
        try await withMockServer(Self.merchant()) { server, _ in
            try await Self.killAndRerun(server, at: point, label: point)
        }
    }

    @Test(
        "Every way of answering, killed after create's answer, mid-complete and once anchored: one order",
        arguments: Self.behaviours
    )
    func behaviour(_ behaviour: MCPBindingBehaviour) async throws {
        try await withMockServer(Self.merchant(behaviour)) { server, _ in
            for point in ["after-2xx:create", "after-persist:complete", "anchored"] {
                server.reset()
                try await Self.killAndRerun(server, at: point, label: "\(behaviour) \(point)")
            }
        }
    }

    static func killAndRerun(_ server: MockPaymentServer, at point: String, label: String) async throws {
        let store = CLIChild.storePath()
        let cart = try CheckoutCLITests.cartFile()
        let first = try Self.checkout(server, store: store, task: "mcp-kill", cart: cart, pauseAt: point)
        let paused = await first.waitForPause()
        #expect(paused.contains("paused: \(point)"), "\(label): \(paused)")
        try await first.kill()
        try await Task.sleep(for: .milliseconds(3100))
        let (status, json) = try await Self.checkout(server, store: store, task: "mcp-kill", cart: cart).finish()
        #expect(status == 0, "\(label): \(json)")
        Self.expectOneOrder(server, json, task: "mcp-kill", label)
        let (again, replay) = try await Self.checkout(server, store: store, task: "mcp-kill", cart: cart).finish()
        #expect(again == 0, "\(label)")
        #expect(replay["order_id"] == json["order_id"], "\(label)")
        #expect(replay["from_store"] == true, "\(label)")
    }

    /// A fault on every tool call of one operation once, by the REST path the rule names.
    static let faults: [(String, FaultRule.Action)] = [
        ("/checkout_sessions", .dropAfterCommit), ("/checkout_sessions", .truncateBody),
        ("/checkout_sessions", .statusAfterCommit(status: 500)), ("/checkout_sessions", .resetBeforeCommit),
        ("/checkout_sessions/*/complete", .dropAfterCommit), ("/checkout_sessions/*/complete", .truncateBody),
        ("/checkout_sessions/*/complete", .statusAfterCommit(status: 502)),
        ("/checkout_sessions/*/complete", .statusBefore(status: 503, retryAfter: "0")),
        ("/checkout_sessions/*/complete", .garbage),
    ]

    @Test("A tool call's answer lost, cut, replaced by a 5xx or never processed: completed, one order, one session")
    func faultedToolCalls() async throws {
        for (path, action) in Self.faults {
            try await withMockServer(Self.merchant(.init(encoding: .eventStream))) { server, _ in
                server.addFaults([FaultRule(method: "POST", path: path, action: action, count: 2)])
                let cart = try CheckoutCLITests.cartFile()
                let (status, json) = try await Self.checkout(
                    server,
                    store: CLIChild.storePath(),
                    task: "mcp-f",
                    cart: cart
                )
                .finish()
                let label = "\(action.name) on \(path)"
                #expect(status == 0, "\(label): \(json)")
                Self.expectOneOrder(server, json, task: "mcp-f", label)
                #expect(server.journal.filter { $0.fault != nil }.count == 2, "\(label)")
            }
        }
    }

    @Test("A re-invoked agent opens an MCP session of its own: the store, not the MCP session, carries the task")
    func sessionExpired() async throws {
        try await withMockServer(Self.merchant()) { server, _ in
            let store = CLIChild.storePath()
            let cart = try CheckoutCLITests.cartFile()
            // The first invocation is killed once anchored; the second brings its own session
            // while the first's stays open: the store, not the MCP session, carries the task.
            let first = try Self.checkout(server, store: store, task: "mcp-s", cart: cart, pauseAt: "anchored")
            #expect(await first.waitForPause().contains("paused: anchored"))
            try await first.kill()
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await Self.checkout(server, store: store, task: "mcp-s", cart: cart).finish()
            #expect(status == 0, "\(json)")
            Self.expectOneOrder(server, json, task: "mcp-s", "second session")
            #expect(server.journal.filter { $0.mcp == "initialize" }.count == 2)
        }
    }
}

extension MCPBindingBehaviour: CustomTestStringConvertible {
    public var testDescription: String { "\(self.results.rawValue)/\(self.errors.rawValue)/\(self.encoding.rawValue)" }
}
