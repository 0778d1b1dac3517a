import AgentRetry
import Foundation
import MockPaymentServer
import Testing

/// The `refund` tool of `agent-retry mcp`, a real child process over stdio against the real mock
/// PSP: exactly once per task id across repeats, concurrent calls, a second server on the same
/// store and a SIGKILL of the server mid-call; bad input names its field; a refusal is told truly.
@Suite("agent-retry mcp: the refund tool", .serialized)
struct MCPRefundTests {
    static func pay(_ taskID: String, amount: Int = 3000) -> JSONValue {
        [
            "task_id": .string(taskID), "amount": .number(Double(amount)), "currency": "usd",
            "payment_method": "pm_card_visa",
        ]
    }

    static func refund(_ taskID: String, _ intent: String, amount: Int = 1200) -> JSONValue {
        ["task_id": .string(taskID), "payment_intent": .string(intent), "amount": .number(Double(amount))]
    }

    private func start(_ server: MockPaymentServer, store: String, _ extra: [String] = []) async throws -> MCPChild {
        let child = try MCPChild.start(
            ["--server", server.baseURL, "--store", store, "--lease-seconds", "15", "--settle-seconds", "5"] + extra
        )
        try await child.initialize()
        return child
    }

    /// Pays `amount` for `taskID` through the pay tool; the PaymentIntent id.
    private func paid(_ child: MCPChild, _ id: Int, _ taskID: String, amount: Int = 3000) async throws -> String {
        let result = try await child.callTool(id, "pay", Self.pay(taskID, amount: amount))
        #expect(result["structuredContent"]?["status"] == "completed", "\(result)")
        return try #require(result["structuredContent"]?["payment_intent_id"]?.stringValue)
    }

    static func refunds(_ server: MockPaymentServer) -> [LedgerEntry] { server.ledger.filter { $0.kind == "refund" } }

    @Test("pay, then refund under the same task id: one refund in the ledger, the payment untouched")
    func payThenRefund() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath())
            let intent = try await self.paid(child, 1, "order-7")
            let result = try await child.callTool(2, "refund", Self.refund("order-7", intent))
            let json = try #require(result["structuredContent"])
            #expect(result["isError"] == false)
            #expect(json["status"] == "succeeded", "\(json)")
            #expect(json["refund_status"] == "succeeded")
            #expect(json["amount"] == 1200 && json["currency"] == "usd")
            #expect(json["payment_intent_id"]?.stringValue == intent)
            #expect(Self.refunds(server).map(\.id) == [json["refund_id"]?.stringValue])
            let text = result["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            #expect(try JSONValue(parsing: Array(text.utf8)) == json)
            // The refund kept its own record: paying task order-7 again answers the payment from the store.
            let sent = server.journal.count
            let again = try await child.callTool(3, "pay", Self.pay("order-7"))
            #expect(again["structuredContent"]?["payment_intent_id"]?.stringValue == intent)
            #expect(again["structuredContent"]?["from_store"] == true)
            #expect(server.journal.count == sent)
            #expect(server.ledger.filter { $0.kind == "charge" }.count == 1)
            #expect(try await child.close() == 0)
        }
    }

    @Test("The same refund three times on one server, two at once, and once from a second server: one refund")
    func repeatedAndConcurrent() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let first = try await self.start(server, store: store)
            let second = try await self.start(server, store: store)
            let intent = try await self.paid(first, 1, "thrice-pay")
            // The PSP holds the refund 1.5 s, so the calls overlap.
            server.addFaults([FaultRule(method: "POST", path: "/v1/refunds", action: .latency(milliseconds: 1500))])
            let call = MCPChild.call("refund", Self.refund("thrice", intent))
            first.sendRequest(2, "tools/call", call)
            first.sendRequest(3, "tools/call", call)
            second.sendRequest(1, "tools/call", call)
            let answers = [try await first.answer(2), try await first.answer(3)]
            let other = try await second.answer(1)
            let third = try await first.request(4, "tools/call", call)
            let results = (answers + [third]).compactMap { $0["result"]?["structuredContent"] }
            #expect(results.count == 3)
            #expect(results.allSatisfy { $0["status"] == "succeeded" }, "\(results)")
            #expect(Set(results.map { $0["refund_id"]?.stringValue }).count == 1)
            #expect(results.last?["from_store"] == true)
            let otherStatus = other["result"]?["structuredContent"]?["status"]?.stringValue ?? "?"
            #expect(["succeeded", "in_progress_elsewhere"].contains(otherStatus), "\(other)")
            let settled = try await second.callTool(2, "refund", Self.refund("thrice", intent))
            #expect(settled["structuredContent"]?["refund_id"] == results.first?["refund_id"])
            #expect(Self.refunds(server).count == 1)
            #expect(Self.refunds(server).first?.id == results.first?["refund_id"]?.stringValue)
            #expect(Set(server.requests("POST", endingIn: "/v1/refunds").compactMap(\.idempotencyKey)).count == 1)
            #expect(try await first.close() == 0)
            #expect(try await second.close() == 0)
        }
    }

    @Test("The server SIGKILLed while the PSP holds a committed refund, started again: the same call, one refund")
    func killedDuringRefund() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let first = try await self.start(server, store: store)
            let intent = try await self.paid(first, 1, "kill-pay")
            server.addFaults([
                FaultRule(
                    method: "POST",
                    path: "/v1/refunds",
                    action: .stallAfterCommit(milliseconds: 20_000),
                    count: 1
                )
            ])
            first.sendRequest(2, "tools/call", MCPChild.call("refund", Self.refund("kill", intent)))
            try await server.waitForLedger("refund")
            try #require(Self.refunds(server).count == 1, "the refund never reached the PSP")
            try await first.kill()
            #expect(!first.received.contains { $0["id"] == 2 }, "the killed server had answered already")
            try await Task.sleep(for: .milliseconds(3100))
            let second = try await self.start(server, store: store)
            let result = try await second.callTool(1, "refund", Self.refund("kill", intent))
            let json = try #require(result["structuredContent"])
            #expect(json["status"] == "succeeded", "\(json)")
            #expect(json["refund_id"]?.stringValue == Self.refunds(server).first?.id)
            #expect(json["replayed"] == true)
            #expect(Self.refunds(server).count == 1)
            let posts = server.requests("POST", endingIn: "/v1/refunds")
            #expect(posts.count == 2 && Set(posts.compactMap(\.idempotencyKey)).count == 1)
            #expect(try await second.close() == 0)
        }
    }

    @Test("Bad input is a tool error naming the field; nothing is sent")
    func badInput() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath())
            let cases: [(JSONValue, String)] = [
                (["task_id": "r", "amount": 100], "payment_intent"),
                (["task_id": "r", "payment_intent": "", "amount": 100], "payment_intent"),
                (Self.refund("r", "pi_1", amount: 0), "amount"),
                (["task_id": "r", "payment_intent": "pi_1", "amount": "100"], "amount"),
                (["task_id": "r", "payment_intent": "pi_1", "amount": 1.5], "amount"),
                (["task_id": "r", "payment_intent": "pi_1"], "amount"),
                (Self.refund("", "pi_1"), "task_id"),
            ]
            for (index, (arguments, field)) in cases.enumerated() {
                let result = try await child.callTool(index + 1, "refund", arguments)
                #expect(result["isError"] == true, "\(arguments)")
                #expect(result["structuredContent"]?["status"] == "invalid_argument", "\(result)")
                #expect(result["structuredContent"]?["field"]?.stringValue == field, "\(result)")
            }
            #expect(server.journal.isEmpty)
            #expect(try await child.close() == 0)
        }
    }

    @Test("Over-refund: a definitive refusal with Stripe's code, answered the same again; another amount conflicts")
    func overRefund() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath())
            let intent = try await self.paid(child, 1, "over-pay", amount: 1000)
            let result = try await child.callTool(2, "refund", Self.refund("over", intent, amount: 1001))
            let json = try #require(result["structuredContent"])
            #expect(json["status"] == "rejected", "\(json)")
            #expect(result["isError"] == false)
            #expect(json["rejection"]?["code"] == "amount_too_large")
            #expect(json["rejection"]?["http_status"] == 400)
            #expect(json["reason"]?.stringValue?.contains("amount_too_large") == true)
            #expect(json["refund_id"] == .null)
            let sent = server.journal.count
            let again = try await child.callTool(3, "refund", Self.refund("over", intent, amount: 1001))
            #expect(again["structuredContent"]?["status"] == "rejected")
            #expect(again["structuredContent"]?["from_store"] == true)
            let changed = try await child.callTool(4, "refund", Self.refund("over", intent, amount: 1000))
            #expect(changed["isError"] == true)
            #expect(changed["structuredContent"]?["status"] == "conflict", "\(changed)")
            #expect(server.journal.count == sent)
            let full = try await child.callTool(5, "refund", Self.refund("over-2", intent, amount: 1000))
            #expect(full["structuredContent"]?["status"] == "succeeded")
            #expect(Self.refunds(server).count == 1)
            #expect(try await child.close() == 0)
        }
    }

    @Test("Listed and described; --tools refund alone; spending limits do not apply to refunds")
    func listedAndUnlimited() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let limited = try await self.start(server, store: store, ["--max-amount-per-run", "1000"])
            let tools = try await limited.request(1, "tools/list")["result"]?["tools"]?.arrayValue ?? []
            #expect(tools.compactMap { $0["name"]?.stringValue } == ["checkout", "checkout_status", "pay", "refund"])
            let tool = try #require(tools.first { $0["name"] == "refund" })
            #expect(tool["inputSchema"]?["required"] == ["task_id", "payment_intent", "amount"])
            let description = tool["description"]?.stringValue ?? ""
            #expect(description.contains("SAME task_id") && description.contains("NEVER invent a new task_id"))
            #expect(description.contains("spending limits"))
            // The run's whole budget is paid; a refund is still made, and a second payment is refused.
            let intent = try await self.paid(limited, 2, "budget", amount: 1000)
            let refunded = try await limited.callTool(3, "refund", Self.refund("budget-refund", intent, amount: 400))
            #expect(refunded["structuredContent"]?["status"] == "succeeded", "\(refunded)")
            let over = try await limited.callTool(4, "pay", Self.pay("budget-2", amount: 1))
            #expect(over["structuredContent"]?["status"] == "spending_limit")
            #expect(try await limited.close() == 0)

            let only = try await self.start(server, store: store, ["--tools", "refund"])
            let names = try await only.request(1, "tools/list")["result"]?["tools"]?.arrayValue?
                .compactMap { $0["name"]?.stringValue }
            #expect(names == ["refund"])
            let again = try await only.callTool(2, "refund", Self.refund("budget-refund", intent, amount: 400))
            #expect(again["structuredContent"]?["refund_id"] == refunded["structuredContent"]?["refund_id"])
            #expect(Self.refunds(server).count == 1)
            #expect(try await only.close() == 0)
        }
    }

    @Test("The API key appears in no output of the refund tool: results, refusals, errors, logs")
    func apiKeyNeverShown() async throws {
        let key = "sk_test_DISTINCTIVE_refund_51c0"
        try await withMockServer { server, _ in
            let child = try MCPChild.start(
                ["--server", server.baseURL, "--store", CLIChild.storePath(), "--max-attempts", "2"],
                apiKey: key
            )
            try await child.initialize()
            let intent = try await self.paid(child, 1, "key-pay")
            let done = try await child.request(
                2,
                "tools/call",
                MCPChild.call("refund", Self.refund("key-refund", intent), meta: ["progressToken": "r"])
            )
            #expect(done["result"]?["structuredContent"]?["status"] == "succeeded", "\(done)")
            _ = try await child.callTool(3, "refund", Self.refund("key-over", intent, amount: 999_999))
            _ = try await child.callTool(4, "refund", Self.refund("key-refund", intent, amount: 1))
            _ = try await child.callTool(5, "refund", ["task_id": "key-bad", "amount": 1])
            #expect(try await child.close() == 0)
            #expect(child.received.contains { $0["method"] == "notifications/progress" })
            #expect(!child.output.contains("DISTINCTIVE"))
        }
        let unreachable = try MCPChild.start(
            ["--server", "http://127.0.0.1:9", "--store", CLIChild.storePath(), "--max-attempts", "1"],
            apiKey: key
        )
        try await unreachable.initialize()
        let failed = try await unreachable.callTool(1, "refund", Self.refund("key-down", "pi_1"))
        #expect(failed["structuredContent"]?["status"] == "pending", "\(failed)")
        #expect(try await unreachable.close() == 0)
        #expect(!unreachable.output.isEmpty)
        #expect(!unreachable.output.contains("DISTINCTIVE"))
    }
}
