import AgentRetry
import AgentRetryACP
import AgentRetryTesting
import Foundation
import MockPaymentServer
import Testing

/// `agent-retry checkout` as real child processes, SIGKILLed at each step of the task and re-run.
@Suite("agent-retry checkout across SIGKILLs", .serialized)
struct CheckoutCLITests {
    static func cartFile(token: String = "spt_test_success") throws -> String {
        var cart = testCart
        cart.members["payment_token"] = .string(token)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cart-\(UUID().uuidString).json").path
        try Data(cart.acpJSON.serialized()).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func start(
        _ server: MockPaymentServer,
        store: String,
        task: String,
        cart: String,
        pauseAt: String? = nil,
        extra: [String] = []
    ) throws -> CLIChild {
        try CLIChild.checkout(
            server: server.baseURL,
            store: store,
            task: task,
            cart: cart,
            pauseAt: pauseAt,
            extra: extra
        )
    }

    @Test(
        "Killed at a step, re-run: one order, one session, the same anchor",
        arguments: [
            "after-persist:create", "anchored", "after-response:create", "after-persist:update",
            "after-response:update", "after-persist:complete", "after-response:complete",
        ]
    )
    func killedAtStep(_ point: String) async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let cart = try Self.cartFile()
            let first = try self.start(server, store: store, task: "kill", cart: cart, pauseAt: point)
            let paused = await first.waitForPause()
            if !paused.contains("paused: \(point)") {
                // A child that ended on its own says why on stdout (its JSON report).
                let report = first.process.isRunning ? "still running" : "\(try await first.finish())"
                Issue.record("the child said: \(paused.debugDescription); \(report)")
            }
            try await first.kill()
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await self.start(server, store: store, task: "kill", cart: cart).finish()
            #expect(status == 0, "\(json)")
            #expect(json["status"] == "completed")
            #expect(json["generation"] == 0)
            #expect(server.orders.count == 1)
            #expect(server.orders.first?.id == json["order_id"]?.stringValue)
            #expect(server.checkoutSessionsByTask["kill"] == [json["checkout_session_id"]?.stringValue ?? "?"])
            #expect(server.createKeys.count == 1)
            let (again, replay) = try await self.start(server, store: store, task: "kill", cart: cart).finish()
            #expect(again == 0)
            #expect(replay["order_id"] == json["order_id"])
            #expect(replay["from_store"] == true)
        }
    }

    @Test(
        "Killed during complete, after the merchant committed it: the re-run returns the order without another complete"
    )
    func killedDuringCommittedComplete() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [.heldComplete]
        try await withMockServer(configuration) { server, _ in
            let store = CLIChild.storePath()
            let cart = try Self.cartFile()
            let first = try self.start(server, store: store, task: "stalled", cart: cart)
            try await server.waitForLedger("order")
            try await first.kill()
            #expect(server.orders.count == 1)
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await self.start(server, store: store, task: "stalled", cart: cart).finish()
            #expect(status == 0, "\(json)")
            #expect(json["order_id"]?.stringValue == server.orders.first?.id)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            // The re-run retrieves the session, finds it completed and sends no complete at all.
            #expect(server.requests("POST", endingIn: "/complete").count == 1)
            #expect(server.requests("GET", endingIn: json["checkout_session_id"]?.stringValue ?? "?").count == 1)
        }
    }

    @Test("An expired session after a kill: the re-run opens generation 1 and ends with one order")
    func expiredAfterKill() async throws {
        let clock = ManualMockClock()
        var configuration = MockPaymentServer.Configuration()
        configuration.clock = clock
        try await withMockServer(configuration) { server, _ in
            let store = CLIChild.storePath()
            let cart = try Self.cartFile()
            let first = try self.start(server, store: store, task: "expire", cart: cart, pauseAt: "anchored")
            #expect(await first.waitForPause().contains("paused: anchored"))
            try await first.kill()
            clock.advance(by: .seconds(7 * 24 * 3600))
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await self.start(server, store: store, task: "expire", cart: cart).finish()
            #expect(status == 0, "\(json)")
            #expect(json["generation"] == 1)
            #expect(server.checkoutSessionsByTask["expire"]?.count == 2)
            #expect(server.createKeys.count == 2)
            #expect(server.orders.count == 1)
        }
    }

    @Test("Stripe: killed after the confirm response, re-run: one charge, the same PaymentIntent")
    func stripeKilledAfterConfirm() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let cart = try Self.cartFile(token: "pm_card_visa")
            let first = try self.start(
                server,
                store: store,
                task: "stripe-kill",
                cart: cart,
                pauseAt: "after-response:confirm",
                extra: ["--protocol", "stripe"]
            )
            #expect(await first.waitForPause().contains("paused: after-response:confirm"))
            try await first.kill()
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await self.start(
                server,
                store: store,
                task: "stripe-kill",
                cart: cart,
                extra: ["--protocol", "stripe"]
            ).finish()
            #expect(status == 0, "\(json)")
            #expect(server.ledger.count == 1)
            #expect(server.ledger.first?.id == json["payment_intent_id"]?.stringValue)
            #expect(
                Set(server.requests("POST", endingIn: "/v1/payment_intents").compactMap(\.idempotencyKey)).count == 1
            )
        }
    }

    @Test(
        "Exit codes and fields: declined 10, needs input 11, bad cart 2; the example cart completes over ACP and Stripe"
    )
    func exitCodes() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let (declined, json) = try await self.start(
                server,
                store: store,
                task: "d",
                cart: try Self.cartFile(token: "spt_test_declined")
            ).finish()
            #expect(declined == 10)
            #expect(json["status"] == "declined")
            #expect(json["messages"]?.arrayValue?.first?["code"] == "payment_declined")
            let (input, _) = try await self.start(
                server,
                store: store,
                task: "i",
                cart: try Self.cartFile(token: "spt_test_3ds")
            ).finish()
            #expect(input == 11)
            let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
                .path
            try Data(#"{"currency":"usd","line_items":[]}"#.utf8).write(to: URL(fileURLWithPath: bad))
            let (usage, message) = try await self.start(server, store: store, task: "b", cart: bad).finish()
            #expect(usage == 2)
            #expect(message["message"]?.stringValue?.contains("$.line_items") == true)
            let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent("Examples/carts/cart.json").path
            let (acp, acpJSON) = try await self.start(server, store: store, task: "example-acp", cart: example).finish()
            #expect(acp == 0, "\(acpJSON)")
            #expect(acpJSON["idempotency_keys"]?.arrayValue?.count == 3)
            for field in [
                "task_id", "status", "order_id", "payment_intent_id", "checkout_session_id", "generation",
                "idempotency_keys",
                "attempts", "replayed", "from_store",
            ] {
                #expect(acpJSON[field] != nil, "field \(field)")
            }
            let (stripe, stripeJSON) = try await self.start(
                server,
                store: store,
                task: "example-stripe",
                cart: example,
                extra: ["--protocol", "stripe", "--payment-token", "pm_card_visa"]
            ).finish()
            #expect(stripe == 0, "\(stripeJSON)")
            #expect(stripeJSON["payment_intent_id"]?.stringValue?.hasPrefix("pi_") == true)
            #expect(server.ledger.count == 2)
        }
    }
}
