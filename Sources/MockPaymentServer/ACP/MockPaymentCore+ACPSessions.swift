import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    /// `GET /checkout_sessions/{id}`.
    func readSession(
        _ request: MockRequest,
        _ segments: [String],
        _ version: ACPVersion?,
        _ merchant: MerchantSettings,
        _ now: Date
    ) throws(RejectedRequest) -> MockResponse {
        guard segments.count == 2 else {
            throw RejectedRequest(
                response: merchant.error(
                    405,
                    code: "method_not_allowed",
                    message: "GET is not allowed on \(request.path)"
                )
            )
        }
        let found = self.state.withLock { state in
            self.expireIfDue(segments[1], now: now, state: &state).map {
                (version ?? $0.version).renderer.session($0, baseURL: self.baseURL)
            }
        }
        return found.map { .json(200, $0) } ?? Self.sessionNotFound(segments[1], merchant)
    }

    static func sessionNotFound(_ id: String, _ merchant: MerchantSettings) -> MockResponse {
        merchant.error(404, code: "not_found", message: "No checkout session \(id)")
    }

    /// The session, marked expired first when its time has passed.
    func expireIfDue(_ id: String, now: Date, state: inout MockState) -> CheckoutSession? {
        guard var session = state.sessions[id] else { return nil }
        if !session.isTerminal && session.status != "complete_in_progress" && now >= session.expiresAt {
            session.status = "expired"
            session.updatedAt = now
            state.sessions[id] = session
        }
        return session
    }

    /// The session answered in the request's version.
    func answer(_ status: Int, _ session: CheckoutSession, _ request: ACPWriteRequest) -> MockResponse {
        .json(status, request.version(for: session).renderer.session(session, baseURL: self.baseURL))
    }

    func createSession(_ request: ACPWriteRequest, state: inout MockState) -> MockResponse {
        let version = request.version ?? request.merchant.newest
        let changes: SessionChanges
        do {
            changes = try request.read(.create, in: version) { parser, body throws(RequestProblem) in
                try parser.create(body)
            }
        } catch {
            return error.response
        }
        if let refusal = request.merchant.outOfStockRefusal(changes.items) { return refusal }
        var session = CheckoutSession(
            id: state.makeID("cs"),
            version: version,
            status: "not_ready_for_payment",
            currency: changes.currency ?? "usd",
            lines: (changes.items ?? []).map { CheckoutSession.Line(product: $0.product, quantity: $0.quantity) },
            buyer: changes.buyer,
            fulfillmentDetails: changes.fulfillmentDetails,
            metadata: changes.metadata,
            createdAt: request.now,
            updatedAt: request.now,
            expiresAt: request.now.addingTimeInterval(self.configuration.sessionLifetime.seconds)
        )
        session.refresh()
        state.sessions[session.id] = session
        return self.answer(201, session, request)
    }

    func updateSession(_ id: String, _ request: ACPWriteRequest, state: inout MockState) -> MockResponse {
        let merchant = request.merchant
        guard var session = self.expireIfDue(id, now: request.now, state: &state) else {
            return Self.sessionNotFound(id, merchant)
        }
        guard !session.isTerminal else {
            return merchant.error(
                405,
                code: "invalid_state",
                message: "Checkout session \(id) is \(session.status) and cannot be updated"
            )
        }
        let changes: SessionChanges
        do {
            changes = try request.read(.update, in: request.version(for: session)) {
                parser,
                body throws(RequestProblem) in
                try parser.update(body)
            }
        } catch {
            return error.response
        }
        if let refusal = merchant.outOfStockRefusal(changes.items) { return refusal }
        if let items = changes.items {
            session.lines = items.map { CheckoutSession.Line(product: $0.product, quantity: $0.quantity) }
        }
        if let buyer = changes.buyer { session.buyer = buyer == .null ? nil : buyer }
        if let details = changes.fulfillmentDetails { session.fulfillmentDetails = details == .null ? nil : details }
        if let selected = changes.selectedOption { session.selectedShippingOption = selected.id }
        if session.status == "authentication_required" { session.status = "ready_for_payment" }
        session.updatedAt = request.now
        session.refresh()
        state.sessions[id] = session
        return self.answer(200, session, request)
    }

    func cancelSession(_ id: String, _ request: ACPWriteRequest, state: inout MockState) -> MockResponse {
        guard var session = self.expireIfDue(id, now: request.now, state: &state) else {
            return Self.sessionNotFound(id, request.merchant)
        }
        guard session.status != "completed" && session.status != "canceled" else {
            return request.merchant.error(
                405,
                code: "invalid_state",
                message: "Checkout session \(id) is already \(session.status)"
            )
        }
        session.status = "canceled"
        session.updatedAt = request.now
        state.sessions[id] = session
        return self.answer(200, session, request)
    }
}
