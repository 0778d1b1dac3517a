import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

@testable import AgentRetryACP

/// How a refund call's result is read, with no I/O: a created refund by its own status, a 4xx as
/// a definitive refusal with Stripe's code, a lost answer as pending (never failed), and only a
/// real idempotency error as a conflict.
@Suite("StripeRefund: reading a refund call's result")
struct StripeRefundVerdictTests {
    static func response(_ status: Int, _ body: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body.serialized())
    }

    static func stripeError(_ status: Int, code: String, type: String = "invalid_request_error") -> HTTPResponse {
        Self.response(
            status,
            ["error": ["type": .string(type), "code": .string(code), "message": "no", "param": "amount"]]
        )
    }

    static func refund(_ status: String) -> HTTPResponse {
        Self.response(
            200,
            ["id": "re_1", "object": "refund", "status": .string(status), "amount": 500, "currency": "usd"]
        )
    }

    @Test(
        "A created refund is read by Stripe's status of it; a status newer than the code is processing",
        arguments: [
            ("succeeded", StripeRefundOutcome.Status.succeeded), ("pending", .processing),
            ("requires_action", .processing), ("failed", .failed), ("canceled", .failed),
            ("reversed_later", .processing),
        ]
    )
    func created(_ refundStatus: String, _ expected: StripeRefundOutcome.Status) throws {
        let verdict = StripeRefundVerdict.read(.succeeded, response: Self.refund(refundStatus))
        guard case .created(let id, let status, let amount, let currency, _) = verdict else {
            Issue.record("not created: \(verdict)")
            return
        }
        #expect(id == "re_1")
        #expect(status == refundStatus)
        #expect(amount == 500)
        #expect(currency == "usd")
        #expect(StripeRefundVerdict.status(ofRefund: status) == expected)
        let outcome = try StripeRefund.apply(
            verdict,
            to: StripeRefundOutcome(status: .pending, taskID: "t", paymentIntentID: "pi_1", amount: 500),
            status: 200,
            underlying: nil
        )
        #expect(outcome.status == expected)
        #expect(outcome.refundID == "re_1")
        #expect((outcome.reason == nil) == (expected == .succeeded))
    }

    @Test(
        "A 4xx refusal is rejected, definitively, with Stripe's code, whatever the status (a 409 too)",
        arguments: [
            (400, "amount_too_large"), (400, "charge_not_refundable"), (404, "resource_missing"),
            (409, "lock_timeout"), (402, "insufficient_funds"),
        ]
    )
    func rejected(_ status: Int, _ code: String) throws {
        let response = Self.stripeError(status, code: code)
        #expect(PSPProfile.stripe.conflictReader.conflict(in: response) == nil, "not an idempotency error")
        let verdict = StripeRefundVerdict.read(.failed, response: response)
        guard case .rejected(let rejection) = verdict else {
            Issue.record("not rejected: \(verdict)")
            return
        }
        #expect(rejection.step == "refund")
        #expect(rejection.status == status)
        #expect(rejection.code == code)
        #expect(rejection.fields.map(\.path) == ["amount"])
        let outcome = try StripeRefund.apply(
            verdict,
            to: StripeRefundOutcome(status: .pending, taskID: "t", paymentIntentID: "pi_1", amount: 500),
            status: status,
            underlying: nil
        )
        #expect(outcome.status == .rejected)
        #expect(outcome.reason?.contains(code) == true)
        #expect(outcome.refundID == nil)
    }

    @Test("A lost answer is pending, never failed or rejected: no response, a kept 5xx, a 409 still in flight")
    func pending() {
        #expect(Self.isPending(StripeRefundVerdict.read(.pending, response: nil)))
        #expect(Self.isPending(StripeRefundVerdict.read(.pending, response: Self.stripeError(500, code: "x"))))
        #expect(Self.isPending(StripeRefundVerdict.read(.failed, response: Self.stripeError(501, code: "x"))))
        #expect(Self.isPending(StripeRefundVerdict.read(.inFlightAtServer, leaseLost: false, message: "m")))
        #expect(Self.isPending(StripeRefundVerdict.read(.retryAfterBeyondLimit, leaseLost: false, message: "m")))
        // Stripe's 409 for a key whose first request is still in flight is read as such, not as a refusal.
        let inUse = Self.stripeError(409, code: "idempotency_key_in_use", type: "idempotency_error")
        #expect(PSPProfile.stripe.conflictReader.conflict(in: inUse) == .inFlight(retryAfter: nil))
    }

    @Test("Conflicts: another body for the task id, or Stripe's idempotency_error; the other call errors")
    func failures() {
        let cases: [(IdempotentCallError.Code, Bool, StripeRefundError.Code)] = [
            (.bodyChanged, false, .conflict), (.payloadMismatch, false, .conflict),
            (.inProgressElsewhere, false, .inProgressElsewhere), (.store, true, .inProgressElsewhere),
            (.store, false, .store), (.keyDerivation, false, .store),
            (.needsReconciliation, false, .needsReconciliation),
        ]
        for (code, leaseLost, expected) in cases {
            let verdict = StripeRefundVerdict.read(code, leaseLost: leaseLost, message: "m")
            guard case .failure(let got, _) = verdict else {
                Issue.record("\(code): \(verdict)")
                continue
            }
            #expect(got == expected, "\(code)")
        }
        let mismatch = Self.stripeError(400, code: "idempotency_key_reused", type: "idempotency_error")
        #expect(PSPProfile.stripe.conflictReader.conflict(in: mismatch) == .payloadMismatch)
        #expect(Self.code(StripeRefundVerdict.read(.failed, response: Self.stripeError(401, code: "x"))) == .psp)
        #expect(Self.code(StripeRefundVerdict.read(.succeeded, response: Self.response(200, ["id": 1]))) == .psp)
    }

    static func refunder(_ transport: ScriptedTransport) throws -> StripeRefund {
        let policy = try RetryPolicy(
            maximumAttempts: 3,
            initialBackoff: .milliseconds(1),
            maximumBackoff: .milliseconds(5),
            deadline: .seconds(20)
        )
        let client = IdempotentClient(
            transport: transport,
            store: InMemoryIdempotencyStore(),
            secret: .random(),
            configuration: .init(policy: policy)
        )
        return StripeRefund(client: client, baseURL: "https://psp.example/", apiKey: "sk_test_secret")
    }

    @Test("The refund's intent is the task and the PSP, apart from the pay path's; the body is the rest")
    func intent() throws {
        let refund = try Self.refunder(ScriptedTransport([]))
        let intent = refund.intent(taskID: "t-1")
        #expect(intent.operation == "stripe.refund.create")
        #expect(intent.operation != StripeBackend.createOperation)
        #expect(intent.inputs == ["task_id": "t-1", "merchant": "https://psp.example"])
        let fields = StripeRefund.fields(taskID: "t-1", paymentIntent: "pi_9", amount: 250)
        #expect(StripeCheckout.formBody(fields) == "payment_intent=pi_9&amount=250&metadata[task_id]=t-1")
        var dumped = ""
        dump(refund, to: &dumped)
        #expect(!dumped.contains("sk_test_secret"))
        #expect(dumped.contains("psp.example"))
    }

    @Test("Timeout-but-success, then the same task: one key, then the store; another amount is a conflict")
    func scripted() async throws {
        let body = #"{"id": "re_1", "object": "refund", "status": "succeeded", "amount": 250, "currency": "usd"}"#
        let transport = ScriptedTransport([
            .fail(.curl(.operationTimedOut), .mayHaveBeenProcessed),
            .respond(200, headers: ["Idempotent-Replayed": "true"], body: body),
        ])
        let refund = try Self.refunder(transport)
        let first = try await refund.run(taskID: "t-1", paymentIntent: "pi_9", amount: 250)
        #expect(first.status == .succeeded)
        #expect(first.refundID == "re_1" && first.replayed && first.attempts == 2)
        #expect(Set(transport.requests.map { $0.headers.first(name: "Idempotency-Key") }).count == 1)
        #expect(transport.requests.first?.url == "https://psp.example/v1/refunds")
        let again = try await refund.run(taskID: "t-1", paymentIntent: "pi_9", amount: 250)
        #expect(again.fromStore && again.refundID == "re_1" && again.idempotencyKey == first.idempotencyKey)
        for (intent, amount) in [("pi_9", 300), ("pi_other", 250)] {
            let error = await #expect(throws: StripeRefundError.self) {
                try await refund.run(taskID: "t-1", paymentIntent: intent, amount: amount)
            }
            #expect(error?.code == .conflict)
        }
        await #expect(throws: StripeRefundError.self) {
            try await refund.run(taskID: "t-2", paymentIntent: "", amount: 1)
        }
        #expect(transport.requests.count == 2, "nothing more was sent")
    }

    static func isPending(_ verdict: StripeRefundVerdict) -> Bool {
        if case .pending = verdict { return true }
        return false
    }

    static func code(_ verdict: StripeRefundVerdict) -> StripeRefundError.Code? {
        if case .failure(let code, _) = verdict { return code }
        return nil
    }
}
