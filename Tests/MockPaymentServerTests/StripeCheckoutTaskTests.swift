import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// The same task interface over Stripe PaymentIntents: create (anchored on the id) and confirm.
@Suite("Anchored checkout task over Stripe PaymentIntents")
struct StripeCheckoutTaskTests {
    @Test("create → confirm: one charge tagged with the task; the re-run answers from the store with no request")
    func completesOnce() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, stripe: true)
            let outcome = try await task.run(taskID: "stripe-1", cart: testCart, paymentToken: "pm_card_visa")
            #expect(outcome.status == .completed)
            #expect(outcome.paymentIntentID?.hasPrefix("pi_") == true)
            #expect(outcome.checkoutSessionID == nil)
            #expect(server.ledger.map(\.taskID) == ["stripe-1"])
            #expect(server.ledger.first?.amount == testCart.amount)
            let requests = server.journal.count
            let again = try await task.run(taskID: "stripe-1", cart: testCart, paymentToken: "pm_card_visa")
            #expect(again.status == .completed)
            #expect(again.paymentIntentID == outcome.paymentIntentID)
            #expect(server.journal.count == requests)
        }
    }

    @Test(
        "Timeout-but-success on create or confirm: one charge, one PaymentIntent",
        arguments: [
            FaultRule(method: "POST", path: "/v1/payment_intents", action: .dropAfterCommit, count: 1),
            FaultRule(method: "POST", path: "/v1/payment_intents/*/confirm", action: .dropAfterCommit, count: 1),
            FaultRule(
                method: "POST",
                path: "/v1/payment_intents/*/confirm",
                action: .statusBefore(status: 503, retryAfter: nil),
                count: 1
            ),
            // Stripe saves a 500 under the key and replays it: settled by looking the PaymentIntent up.
            FaultRule(method: "POST", path: "/v1/payment_intents", action: .statusAfterCommit(status: 500), count: 1),
            FaultRule(
                method: "POST",
                path: "/v1/payment_intents/*/confirm",
                action: .statusAfterCommit(status: 500),
                count: 1
            ),
        ]
    )
    func faults(_ rule: FaultRule) async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [rule]
        try await withMockServer(configuration) { server, transport in
            let task = try await makeCheckoutTask(server, transport, stripe: true)
            let outcome = try await task.run(taskID: "stripe-fault", cart: testCart, paymentToken: "pm_card_visa")
            #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
            #expect(server.ledger.count == 1)
            #expect(
                Set(server.requests("POST", endingIn: "/v1/payment_intents").compactMap(\.idempotencyKey)).count == 1
            )
            #expect(
                server.requests("POST", endingIn: "/v1/payment_intents").count <= 2,
                "a replayed 500 is not re-sent again and again"
            )
        }
    }

    @Test("A declined card: declined, no charge, confirm not re-sent on re-run")
    func declined() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, stripe: true)
            let outcome = try await task.run(
                taskID: "stripe-declined",
                cart: testCart,
                paymentToken: "pm_card_chargeDeclined"
            )
            #expect(outcome.status == .declined)
            #expect(outcome.messages.first?.code == .paymentDeclined)
            let again = try await task.run(
                taskID: "stripe-declined",
                cart: testCart,
                paymentToken: "pm_card_chargeDeclined"
            )
            #expect(again.status == .declined)
            #expect(server.requests("POST", endingIn: "/confirm").count == 1)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("A cart without unit amounts cannot go to a PSP: a typed error before any request")
    func needsAmounts() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, stripe: true)
            let cart = CheckoutCart(currency: "usd", lines: [.init(id: "item_mug")])
            let error = await #expect(throws: CheckoutTaskError.self) {
                try await task.run(taskID: "no-amount", cart: cart, paymentToken: "pm_card_visa")
            }
            #expect(error?.code == .invalidCart)
            #expect(server.journal.isEmpty)
        }
    }
}
