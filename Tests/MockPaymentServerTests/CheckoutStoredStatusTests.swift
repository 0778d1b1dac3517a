import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// `CheckoutTask.storedStatus`: what the store knows of a task, read with nothing sent, at each
/// point of a task's life, over ACP (REST and the MCP binding) and Stripe.
@Suite("Checkout task: the stored status, nothing sent")
struct CheckoutStoredStatusTests {
    @Test(
        "not_started, then completed with the order (given the credential), anchored without it",
        arguments: [false, true]
    )
    func acpLife(overMCP: Bool) async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, mcp: overMCP)
            let fresh = try await task.storedStatus(taskID: "life")
            #expect(fresh.state == .notStarted)
            #expect(fresh.generation == 0)
            let outcome = try await task.run(taskID: "life", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed)
            let requests = server.journal.count
            let known = try await task.storedStatus(taskID: "life", cart: testCart, paymentToken: "spt_test_success")
            #expect(known.state == .completed)
            #expect(known.orderID == outcome.orderID)
            #expect(known.checkoutSessionID == outcome.checkoutSessionID)
            #expect(known.apiVersion == .latest)
            // The kept steps: the create and the completion.
            #expect(known.idempotencyKeys.count == 2)
            let partly = try await task.storedStatus(taskID: "life")
            #expect(partly.state == .anchored)
            #expect(partly.checkoutSessionID == outcome.checkoutSessionID)
            #expect(server.journal.count == requests, "storedStatus sent a request")
        }
    }

    @Test("A declined completion, a refused create, an open out-of-stock session, a create whose answer never came")
    func otherStates() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            _ = try await task.run(taskID: "no", cart: testCart, paymentToken: "spt_test_declined")
            let declined = try await task.storedStatus(taskID: "no", cart: testCart, paymentToken: "spt_test_declined")
            #expect(declined.state == .declined)
            var unknown = testCart
            unknown.members["line_items"] = [["id": "item_unicorn", "quantity": 1]]
            _ = try await task.run(taskID: "unknown", cart: unknown, paymentToken: "spt_test_success")
            #expect(try await task.storedStatus(taskID: "unknown").state == .createRefused)
            // Out of stock: the merchant opens the session and says so in its messages.
            var soldOut = testCart
            soldOut.members["line_items"] = [["id": "item_hoodie", "quantity": 1]]
            _ = try await task.run(taskID: "oos", cart: soldOut, paymentToken: "spt_test_success")
            #expect(try await task.storedStatus(taskID: "oos").state == .anchored)
            server.addFaults([FaultRule(method: "POST", path: "/checkout_sessions", action: .dropAfterCommit)])
            let lost = try? await task.run(taskID: "lost", cart: testCart, paymentToken: "spt_test_success")
            #expect(lost?.status != .completed)
            let creating = try await task.storedStatus(taskID: "lost")
            #expect(creating.state == .creating, "\(creating)")
            #expect(creating.attempts > 0)
        }
    }

    @Test("Over Stripe: anchored on the PaymentIntent, completed with the credential")
    func stripe() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, stripe: true)
            let outcome = try await task.run(taskID: "pi", cart: testCart, paymentToken: "pm_card_visa")
            #expect(outcome.status == .completed)
            let known = try await task.storedStatus(taskID: "pi", paymentToken: "pm_card_visa")
            #expect(known.state == .completed)
            #expect(known.paymentIntentID == outcome.paymentIntentID)
            #expect(known.apiVersion == nil)
            #expect(try await task.storedStatus(taskID: "pi").state == .anchored)
        }
    }
}
