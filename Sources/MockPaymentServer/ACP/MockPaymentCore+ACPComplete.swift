import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    /// Complete: charges the credential; an order and a ledger entry on success, a 2xx session
    /// with a `payment_declined` message on a decline, `requires_3ds` when authentication is due.
    func completeSession(_ id: String, _ request: ACPWriteRequest, key: String?, state: inout MockState) -> MockResponse
    {
        let merchant = request.merchant
        guard var session = self.expireIfDue(id, now: request.now, state: &state) else {
            return Self.sessionNotFound(id, merchant)
        }
        guard !session.isTerminal else {
            return merchant.error(
                405,
                code: "invalid_state",
                message: "Checkout session \(id) is \(session.status) and cannot be completed"
            )
        }
        let payment: PaymentSubmission
        do {
            payment = try request.read(.complete, in: request.version(for: session)) {
                parser,
                body throws(RequestProblem) in
                try parser.complete(body)
            }
        } catch {
            return error.response
        }
        guard session.status == "ready_for_payment" || session.status == "authentication_required" else {
            return merchant.error(
                400,
                code: "invalid_state",
                message: "Checkout session \(id) is \(session.status), not ready for payment"
            )
        }
        if let buyer = payment.buyer { session.buyer = buyer }
        session.updatedAt = request.now
        let outcome = payment.authenticationOutcome
        switch payment.token {
        case ACPCatalog.Token.declined:
            session.messages = [Self.declined("Your payment was declined. Please try a different payment method.")]
        case ACPCatalog.Token.requires3DS where outcome == nil:
            session.status = "authentication_required"
            state.sessions[id] = session
            return merchant.error(
                400,
                code: "requires_3ds",
                message: "This payment requires 3D Secure authentication.",
                param: "$.authentication_result"
            )
        case ACPCatalog.Token.requires3DS where outcome != "authenticated" && outcome != "attempt_acknowledged":
            session.status = "ready_for_payment"
            session.messages = [Self.declined("3D Secure authentication was not successful (\(outcome ?? "")).")]
        default:
            self.placeOrder(&session, key: key, now: request.now, state: &state)
            state.webhookOutbox.addACP(type: "order_create", data: self.orderJSON(session))
        }
        state.sessions[id] = session
        return self.answer(200, session, request)
    }

    /// Completes the session with a new order, and enters the order in the ledger.
    private func placeOrder(_ session: inout CheckoutSession, key: String?, now: Date, state: inout MockState) {
        let orderID = state.makeID("ord")
        session.status = "completed"
        session.messages = []
        session.orderID = orderID
        state.ledger.append(
            LedgerEntry(
                kind: "order",
                id: orderID,
                amount: session.totalAmount,
                currency: session.currency,
                idempotencyKey: key,
                taskID: session.taskID,
                time: now,
                checkoutSessionID: session.id
            )
        )
    }

    private static func declined(_ text: String) -> JSONValue {
        ["type": "error", "code": "payment_declined", "content_type": "plain", "content": .string(text)]
    }
}
