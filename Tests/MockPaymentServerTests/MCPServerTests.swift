import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// `agent-retry mcp` as a real child process over stdio, against the real mock server: the key
/// comes from the task id, so a killed server, concurrent calls and repeated calls buy once.
@Suite("agent-retry mcp over stdio", .serialized)
struct MCPServerTests {
    /// The test cart with its payment token, as a tool argument.
    static var cart: JSONValue {
        var cart = testCart
        cart.members["payment_token"] = "spt_test_success"
        return cart.acpJSON
    }

    static func checkout(_ taskID: String, cart: JSONValue = Self.cart) -> JSONValue {
        ["task_id": .string(taskID), "cart": cart]
    }

    private func start(_ server: MockPaymentServer, store: String, _ extra: [String] = []) async throws -> MCPChild {
        let child = try MCPChild.start(
            ["--server", server.baseURL, "--store", store, "--lease-seconds", "15", "--settle-seconds", "5"] + extra
        )
        try await child.initialize()
        return child
    }

    @Test("The server SIGKILLed during checkout's complete and started again: the same call completes, one order")
    func killedDuringCheckout() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [.heldComplete]
        try await withMockServer(configuration) { server, _ in
            let store = CLIChild.storePath()
            let first = try await self.start(server, store: store)
            first.sendRequest(1, "tools/call", MCPChild.call("checkout", Self.checkout("mcp-kill")))
            try await server.waitForLedger("order")
            try #require(server.orders.count == 1, "the complete never reached the merchant")
            try await first.kill()
            #expect(!first.received.contains { $0["id"] == 1 }, "the killed server had answered already")
            try await Task.sleep(for: .milliseconds(3100))
            let second = try await self.start(server, store: store)
            let result = try await second.callTool(1, "checkout", Self.checkout("mcp-kill"))
            let json = try #require(result["structuredContent"])
            #expect(json["status"] == "completed", "\(json)")
            #expect(result["isError"] == false)
            #expect(json["order_id"]?.stringValue == server.orders.first?.id)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            #expect(server.requests("POST", endingIn: "/complete").count == 1)
            let status = try await second.callTool(2, "checkout_status", ["task_id": "mcp-kill"])
            #expect(status["structuredContent"]?["state"] == "anchored")
            #expect(status["structuredContent"]?["last_outcome"]?["order_id"] == json["order_id"])
            // The complete's response died with the first server: its record is not kept, only the anchor
            // (the re-run found the session completed by a GET), so the store reads anchored even with the
            // credential, and last_outcome carries the order.
            let known = try await second.callTool(3, "checkout_status", Self.checkout("mcp-kill"))
            #expect(known["structuredContent"]?["state"] == "anchored", "\(known)")
            _ = try await second.close()
        }
    }

    @Test("The same checkout five times, three at once on one server and one from a second server: one order")
    func repeatedAndConcurrent() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let first = try await self.start(server, store: store)
            let second = try await self.start(server, store: store)
            for id in 1...3 { first.sendRequest(id, "tools/call", MCPChild.call("checkout", Self.checkout("five"))) }
            second.sendRequest(1, "tools/call", MCPChild.call("checkout", Self.checkout("five")))
            var answers: [JSONValue] = []
            for id in 1...3 { answers.append(try await first.answer(id)) }
            let other = try await second.answer(1)
            answers.append(try await first.request(4, "tools/call", MCPChild.call("checkout", Self.checkout("five"))))
            let orderIDs = answers.map { $0["result"]?["structuredContent"]?["order_id"] }
            #expect(answers.allSatisfy { $0["result"]?["structuredContent"]?["status"] == "completed" }, "\(answers)")
            #expect(Set(orderIDs.map { $0?.stringValue }).count == 1)
            #expect(orderIDs.first??.stringValue == server.orders.first?.id)
            let otherStatus = other["result"]?["structuredContent"]?["status"]?.stringValue ?? "?"
            #expect(["completed", "in_progress_elsewhere"].contains(otherStatus), "\(other)")
            let again = try await second.callTool(2, "checkout", Self.checkout("five"))
            #expect(again["structuredContent"]?["order_id"] == orderIDs.first ?? nil)
            #expect(again["structuredContent"]?["from_store"] == true)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            #expect(server.createKeys.count == 1)
            // With the cart and its credential the kept completion is found: completed, nothing sent.
            let journal = server.journal.count
            let known = try await first.callTool(5, "checkout_status", Self.checkout("five"))
            #expect(known["structuredContent"]?["state"] == "completed", "\(known)")
            #expect(known["structuredContent"]?["order_id"] == orderIDs.first ?? nil)
            let bare = try await first.callTool(6, "checkout_status", ["task_id": "five"])
            #expect(bare["structuredContent"]?["state"] == "anchored")
            #expect(server.journal.count == journal)
            #expect(try await first.close() == 0)
            #expect(try await second.close() == 0)
        }
    }

    @Test("Bad input is a tool error naming the field; nothing is sent and the server goes on")
    func badInput() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath())
            let noID: JSONValue = [
                "currency": "usd", "line_items": [["quantity": 1]], "payment_token": "spt_test_success",
            ]
            let cases: [(String, JSONValue, String)] = [
                ("checkout", Self.checkout("bad", cart: noID), "cart.line_items[0].id"),
                ("checkout", Self.checkout("bad", cart: ["line_items": [["id": "item_mug"]]]), "cart.currency"),
                ("checkout", Self.checkout(""), "task_id"),
                ("checkout", ["task_id": "bad"], "cart"),
                (
                    "pay", ["task_id": "p", "amount": 12.5, "currency": "usd", "payment_method": "pm_card_visa"],
                    "amount"
                ),
                ("pay", ["task_id": "p", "amount": "1250", "currency": "usd", "payment_method": "pm"], "amount"),
                ("checkout_status", ["task_id": 7], "task_id"),
            ]
            for (index, (tool, arguments, field)) in cases.enumerated() {
                let result = try await child.callTool(index + 1, tool, arguments)
                #expect(result["isError"] == true, "\(tool) \(arguments)")
                #expect(result["structuredContent"]?["field"]?.stringValue == field, "\(result)")
                #expect(result["structuredContent"]?["status"] == "invalid_argument")
            }
            let list = try await child.request(99, "tools/list")
            #expect(list["result"]?["tools"]?.arrayValue?.count == 4)
            #expect(server.journal.isEmpty)
            #expect(try await child.close() == 0)
        }
    }

    @Test("The API key appears in no output: not in results, errors, progress or logs")
    func apiKeyNeverShown() async throws {
        let key = "sk_test_DISTINCTIVE_7f3a9c41e2"
        try await withMockServer { server, _ in
            let child = try MCPChild.start(
                ["--server", server.baseURL, "--store", CLIChild.storePath(), "--max-attempts", "1"],
                apiKey: key
            )
            try await child.initialize()
            let done = try await child.request(
                1,
                "tools/call",
                MCPChild.call("checkout", Self.checkout("key"), meta: ["progressToken": "k"])
            )
            #expect(done["result"]?["structuredContent"]?["status"] == "completed")
            _ = try await child.callTool(2, "pay", ["task_id": "key-pay", "amount": 1, "currency": "usd"])
            _ = try await child.callTool(3, "checkout", Self.checkout("key", cart: ["currency": "usd"]))
            _ = try await child.callTool(4, "checkout_status", ["task_id": "key"])
            #expect(try await child.close() == 0)
            #expect(child.received.contains { $0["method"] == "notifications/progress" })
            #expect(!child.output.isEmpty)
            #expect(!child.output.contains(key))
            #expect(!child.output.contains("DISTINCTIVE"))
        }
        // A merchant that cannot be reached: the failure's message, too, keeps the key out.
        let unreachable = try MCPChild.start(
            [
                "--server", "http://127.0.0.1:9", "--store", CLIChild.storePath(), "--max-attempts", "1",
                "--settle-seconds", "0",
            ],
            apiKey: key
        )
        try await unreachable.initialize()
        let failed = try await unreachable.callTool(1, "checkout", Self.checkout("key-down"))
        #expect(failed["structuredContent"]?["status"] != "completed")
        #expect(try await unreachable.close() == 0)
        #expect(!unreachable.output.contains("DISTINCTIVE"))
    }

    @Test("tools/list honours --tools, and a tool not offered is refused")
    func toolsFlag() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath(), ["--tools", "checkout_status"])
            let list = try await child.request(1, "tools/list")
            let tools = list["result"]?["tools"]?.arrayValue ?? []
            #expect(tools.compactMap { $0["name"]?.stringValue } == ["checkout_status"])
            #expect(tools.first?["inputSchema"]?["required"] == ["task_id"])
            let refused = try await child.request(2, "tools/call", MCPChild.call("checkout", Self.checkout("hidden")))
            #expect(refused["error"]?["code"] == -32602, "\(refused)")
            #expect(server.journal.isEmpty)
            #expect(try await child.close() == 0)
            let all = try await self.start(server, store: CLIChild.storePath())
            let names = try await all.request(1, "tools/list")["result"]?["tools"]?.arrayValue?
                .compactMap { $0["name"]?.stringValue }
            #expect(names == ["checkout", "checkout_status", "pay", "refund"])
            let description = try await all.request(2, "tools/list")["result"]?["tools"]?.arrayValue?.first?[
                "description"
            ]?.stringValue
            #expect(description?.contains("SAME task_id") == true)
            #expect(try await all.close() == 0)
        }
    }

    @Test("A spending limit refuses before anything reaches the merchant")
    func spendingLimits() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let perTask = try await self.start(server, store: store, ["--max-amount-per-task", "6000"])
            let refused = try await perTask.callTool(1, "checkout", Self.checkout("limit"))
            #expect(refused["isError"] == true)
            #expect(refused["structuredContent"]?["status"] == "spending_limit", "\(refused)")
            #expect(refused["structuredContent"]?["field"] == "cart")
            let unpriced: JSONValue = [
                "currency": "usd", "line_items": [["id": "item_mug"]], "payment_token": "spt_test_success",
            ]
            let unknown = try await perTask.callTool(2, "checkout", Self.checkout("limit-2", cart: unpriced))
            #expect(unknown["structuredContent"]?["status"] == "spending_limit")
            #expect(server.journal.isEmpty)
            #expect(try await perTask.close() == 0)

            let perRun = try await self.start(server, store: store, ["--max-amount-per-run", "5000"])
            let pay: (String, Int) -> JSONValue = { task, amount in
                [
                    "task_id": .string(task), "amount": .number(Double(amount)), "currency": "usd",
                    "payment_method": "pm_card_visa",
                ]
            }
            let paid = try await perRun.callTool(1, "pay", pay("run-1", 3000))
            #expect(paid["structuredContent"]?["status"] == "completed", "\(paid)")
            let sent = server.journal.count
            let over = try await perRun.callTool(2, "pay", pay("run-2", 2500))
            #expect(over["structuredContent"]?["status"] == "spending_limit")
            #expect(server.journal.count == sent)
            let repeated = try await perRun.callTool(3, "pay", pay("run-1", 3000))
            #expect(
                repeated["structuredContent"]?["payment_intent_id"] == paid["structuredContent"]?["payment_intent_id"]
            )
            #expect(server.ledger.count == 1)
            #expect(try await perRun.close() == 0)
        }
    }
}
