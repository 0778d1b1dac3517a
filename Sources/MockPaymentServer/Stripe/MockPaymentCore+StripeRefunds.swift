import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    /// `GET /v1/refunds`: newest first, `limit` 1 to 100 (default 10), `starting_after`, and the
    /// `payment_intent` filter, as Stripe lists refunds.
    func listRefunds(_ request: MockRequest) -> MockResponse {
        let intentID = request.query["payment_intent"]
        return self.state.withLock { state in
            let ids = state.refundOrder.reversed().filter { id in
                intentID.map { state.refunds[id]?["payment_intent"]?.stringValue == $0 } ?? true
            }
            return Self.listPage(request, ids: ids, object: "refund", url: "/v1/refunds") { state.refunds[$0] }
        }
    }

    static func refund(
        intentID: String,
        amount: Int?,
        form: StripeForm,
        key: String?,
        now: Int,
        state: inout MockState
    ) -> MockResponse {
        let family = RouteFamily.stripe
        guard var intent = state.paymentIntents[intentID] else {
            return Self.noSuch("payment_intent", intentID, param: "payment_intent")
        }
        guard intent.status == "succeeded" else {
            return family.error(
                400,
                code: "charge_not_refundable",
                message: "This PaymentIntent has no successful charge to refund.",
                param: "payment_intent"
            )
        }
        let remaining = intent.amountReceived - intent.amountRefunded
        let refundAmount = amount ?? remaining
        guard refundAmount <= remaining, refundAmount > 0 else {
            return family.error(
                400,
                code: "amount_too_large",
                message: "Refund amount (\(refundAmount)) is greater than the unrefunded amount (\(remaining)).",
                param: "amount"
            )
        }
        intent.amountRefunded += refundAmount
        state.paymentIntents[intentID] = intent
        let id = state.makeID("re")
        let refund: JSONValue = [
            "id": .string(id), "object": "refund", "amount": .number(Double(refundAmount)),
            "currency": .string(intent.currency),
            "payment_intent": .string(intentID), "charge": intent.latestCharge.map(JSONValue.string) ?? .null,
            "status": "succeeded", "created": .number(Double(now)),
            "metadata": .object(form.metadata.mapValues(JSONValue.string)),
            "reason": form.values["reason"].map(JSONValue.string) ?? .null,
        ]
        state.refunds[id] = refund
        state.refundOrder.append(id)
        state.ledger.append(
            LedgerEntry(
                kind: "refund",
                id: id,
                amount: refundAmount,
                currency: intent.currency,
                idempotencyKey: key,
                taskID: intent.metadata["task_id"],
                time: Date(timeIntervalSince1970: Double(now))
            )
        )
        state.webhookOutbox.addStripe(type: "charge.refunded", object: Self.chargeJSON(intent), created: now)
        return .json(200, refund)
    }
}
