import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    /// Complete: charges the credential; an order and a ledger entry on success, a 2xx session
    /// with a `payment_declined` message on a decline, `requires_3ds` when authentication is due.
    func completeSession(
        _ id: String,
        _ body: JSONValue,
        key: String,
        now: Date,
        state: inout MockState
    ) -> MockResponse {
        let family = RouteFamily.acp
        guard var session = self.expireIfDue(id, now: now, state: &state) else { return Self.sessionNotFound(id) }
        guard !session.isTerminal else {
            return family.error(
                405,
                code: "invalid_state",
                message: "Checkout session \(id) is \(session.status) and cannot be completed"
            )
        }
        guard let token = body["payment_data"]?["instrument"]?["credential"]?["token"]?.stringValue else {
            return family.error(
                400,
                code: "invalid",
                message: "payment_data.instrument.credential.token is required",
                param: "$.payment_data.instrument.credential.token"
            )
        }
        guard body["payment_data"]?["handler_id"]?.stringValue == "card_tokenized" else {
            return family.error(
                400,
                code: "invalid",
                message: "payment_data.handler_id must be card_tokenized",
                param: "$.payment_data.handler_id"
            )
        }
        guard session.status == "ready_for_payment" || session.status == "authentication_required" else {
            return family.error(
                400,
                code: "invalid_state",
                message: "Checkout session \(id) is \(session.status), not ready for payment"
            )
        }
        if let buyer = body["buyer"] { session.buyer = buyer }
        session.updatedAt = now
        let outcome = body["authentication_result"]?["outcome"]?.stringValue
        switch token {
        case ACPCatalog.Token.declined:
            session.messages = [Self.declined("Your payment was declined. Please try a different payment method.")]
            state.sessions[id] = session
            return .json(200, session.json(baseURL: self.baseURL))
        case ACPCatalog.Token.requires3DS where outcome == nil:
            session.status = "authentication_required"
            state.sessions[id] = session
            return family.error(
                400,
                code: "requires_3ds",
                message: "This payment requires 3D Secure authentication.",
                param: "$.authentication_result"
            )
        case ACPCatalog.Token.requires3DS where outcome != "authenticated" && outcome != "attempt_acknowledged":
            session.status = "ready_for_payment"
            session.messages = [Self.declined("3D Secure authentication was not successful (\(outcome ?? "")).")]
            state.sessions[id] = session
            return .json(200, session.json(baseURL: self.baseURL))
        default:
            let orderID = state.makeID("ord")
            session.status = "completed"
            session.messages = []
            session.order = [
                "type": "order", "id": .string(orderID), "checkout_session_id": .string(id),
                "permalink_url": .string("\(self.baseURL)/orders/\(orderID)"), "status": "created",
            ]
            state.sessions[id] = session
            state.ledger.append(
                LedgerEntry(
                    kind: "order",
                    id: orderID,
                    amount: session.totalAmount,
                    currency: session.currency,
                    idempotencyKey: key,
                    taskID: session.taskID,
                    time: now
                )
            )
            return .json(200, session.json(baseURL: self.baseURL))
        }
    }

    private static func declined(_ text: String) -> JSONValue {
        ["type": "error", "code": "payment_declined", "content_type": "plain", "content": .string(text)]
    }
}
