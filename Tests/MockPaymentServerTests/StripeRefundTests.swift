import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// `StripeRefund` against the mock PSP: one refund per task id whatever the network does, a
/// refusal kept with Stripe's code, and a refund task that shares its id with the payment task.
@Suite("StripeRefund against the mock PSP")
struct StripeRefundTests {
    /// A checkout task and a refund task on one store and client; `pay` pays `testCart` for `taskID`.
    struct Fixture {
        let task: CheckoutTask
        let refund: StripeRefund

        func pay(_ taskID: String) async throws -> String {
            let outcome = try await self.task.run(taskID: taskID, cart: testCart, paymentToken: "pm_card_visa")
            return try #require(outcome.paymentIntentID, "\(outcome.status) \(outcome.reason ?? "")")
        }
    }

    static func fixture(_ server: MockPaymentServer, _ transport: HTTPTransport) async throws -> Fixture {
        let task = try await makeCheckoutTask(server, transport, stripe: true)
        return Fixture(task: task, refund: StripeRefund(client: task.client, baseURL: server.baseURL, apiKey: testKey))
    }

    @Test("Pay, then refund under the pay task's id: one refund; again answers from the store; pay is untouched")
    func refundsOnce() async throws {
        try await withMockServer { server, transport in
            let fixture = try await Self.fixture(server, transport)
            let intent = try await fixture.pay("shared-id")
            let outcome = try await fixture.refund.run(taskID: "shared-id", paymentIntent: intent, amount: 1000)
            #expect(outcome.status == .succeeded, "\(outcome.reason ?? "")")
            #expect(outcome.refundStatus == "succeeded")
            #expect(outcome.amount == 1000 && outcome.currency == "usd")
            let refunds = server.ledger.filter { $0.kind == "refund" }
            #expect(refunds.map(\.id) == [outcome.refundID])
            #expect(refunds.first?.idempotencyKey == outcome.idempotencyKey?.rawValue)
            let sent = server.journal.count
            let again = try await fixture.refund.run(taskID: "shared-id", paymentIntent: intent, amount: 1000)
            #expect(again.fromStore && again.refundID == outcome.refundID)
            let paid = try await fixture.task.run(taskID: "shared-id", cart: testCart, paymentToken: "pm_card_visa")
            #expect(paid.status == .completed && paid.paymentIntentID == intent && paid.fromStore)
            #expect(server.journal.count == sent, "neither call sent anything")
            #expect(!paid.idempotencyKeys.contains { $0 == outcome.idempotencyKey })
        }
    }

    @Test(
        "A lost or failed answer on the refund: one refund, one key",
        arguments: [
            FaultRule(method: "POST", path: "/v1/refunds", action: .dropAfterCommit, count: 1),
            FaultRule(
                method: "POST",
                path: "/v1/refunds",
                action: .statusBefore(status: 503, retryAfter: nil),
                count: 1
            ),
            FaultRule(method: "POST", path: "/v1/refunds", action: .truncateBody, count: 1),
            // Stripe saves the 500 under the key and replays it: settled by listing the intent's refunds.
            FaultRule(method: "POST", path: "/v1/refunds", action: .statusAfterCommit(status: 500), count: 1),
        ]
    )
    func faults(_ rule: FaultRule) async throws {
        try await withMockServer { server, transport in
            let fixture = try await Self.fixture(server, transport)
            let intent = try await fixture.pay("fault-pay")
            server.addFaults([rule])
            let outcome = try await fixture.refund.run(taskID: "fault-refund", paymentIntent: intent, amount: 700)
            #expect(outcome.status == .succeeded, "\(outcome.reason ?? "")")
            let refunds = server.ledger.filter { $0.kind == "refund" }
            #expect(refunds.count == 1)
            #expect(refunds.first?.id == outcome.refundID)
            let posts = server.requests("POST", endingIn: "/v1/refunds")
            #expect(Set(posts.compactMap(\.idempotencyKey)).count == 1)
            #expect(posts.count <= 2, "a replayed 500 is not re-sent again and again")
            if case .statusAfterCommit = rule.action {
                #expect(!server.requests("GET", endingIn: "/v1/refunds").isEmpty, "settled by the lookup")
            }
        }
    }

    @Test("Over-refund and an unpaid intent: rejected with Stripe's code, kept; another amount is a conflict")
    func refusals() async throws {
        try await withMockServer { server, transport in
            let fixture = try await Self.fixture(server, transport)
            let intent = try await fixture.pay("refusal-pay")
            let over = try await fixture.refund.run(taskID: "over", paymentIntent: intent, amount: 1_000_000)
            #expect(over.status == .rejected)
            #expect(over.rejection?.code == "amount_too_large" && over.rejection?.status == 400)
            #expect(over.refundID == nil)
            let sent = server.journal.count
            let again = try await fixture.refund.run(taskID: "over", paymentIntent: intent, amount: 1_000_000)
            #expect(again.status == .rejected && again.fromStore)
            let error = await #expect(throws: StripeRefundError.self) {
                try await fixture.refund.run(taskID: "over", paymentIntent: intent, amount: 100)
            }
            #expect(error?.code == .conflict)
            #expect(server.journal.count == sent)

            let unpaid = try await fixture.task.run(
                taskID: "unpaid",
                cart: testCart,
                paymentToken: "pm_card_chargeDeclined"
            )
            let declined = try #require(unpaid.paymentIntentID)
            let refused = try await fixture.refund.run(taskID: "unpaid-refund", paymentIntent: declined, amount: 100)
            #expect(refused.status == .rejected && refused.rejection?.code == "charge_not_refundable")
            let missing = try await fixture.refund.run(taskID: "missing", paymentIntent: "pi_nope", amount: 100)
            #expect(missing.status == .rejected && missing.rejection?.code == "resource_missing")
            #expect(server.ledger.filter { $0.kind == "refund" }.isEmpty)
        }
    }

    @Test("The mock lists refunds newest first, filtered by payment_intent, paged, and retrieves one")
    func mockListsRefunds() async throws {
        try await withMockServer { server, transport in
            let fixture = try await Self.fixture(server, transport)
            let first = try await fixture.pay("list-1")
            let second = try await fixture.pay("list-2")
            var made: [String] = []
            for (index, intent) in [first, second, first].enumerated() {
                let outcome = try await fixture.refund.run(taskID: "r-\(index)", paymentIntent: intent, amount: 100)
                made.append(try #require(outcome.refundID))
            }
            func list(_ query: String) async throws -> JSONValue {
                let response = try await transport.execute(stripeGet(server, "/v1/refunds?\(query)"), logger: nil)
                #expect(response.status == 200)
                return try JSONValue(parsing: response.body)
            }
            let ids = { (page: JSONValue) in page["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [] }
            #expect(ids(try await list("limit=10")) == made.reversed())
            let filtered = try await list("payment_intent=\(first)&limit=1")
            #expect(ids(filtered) == [made[2]] && filtered["has_more"] == true)
            let next = try await list("payment_intent=\(first)&limit=1&starting_after=\(made[2])")
            #expect(ids(next) == [made[0]] && next["has_more"] == false)
            let one = try await transport.execute(stripeGet(server, "/v1/refunds/\(made[1])"), logger: nil)
            #expect(try JSONValue(parsing: one.body)["payment_intent"]?.stringValue == second)
            let none = try await transport.execute(stripeGet(server, "/v1/refunds/re_nope"), logger: nil)
            #expect(none.status == 404)
        }
    }
}
