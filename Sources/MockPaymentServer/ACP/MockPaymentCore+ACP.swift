import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    static let acpVersion = "2026-04-17"

    /// ACP 2026-04-17 merchant endpoints, with the idempotency rules of ACP §6.
    func prepareACP(_ request: MockRequest) -> PreparedResponse {
        let family = RouteFamily.acp
        let segments = request.segments.map(String.init)
        guard segments.first == "checkout_sessions", segments.count <= 3 else {
            return .respond(
                family.error(404, code: "not_found", message: "No route for \(request.method) \(request.path)"),
                replayed: false
            )
        }
        guard let apiKey = self.apiKey(of: request) else {
            return .respond(
                family.error(
                    401,
                    code: "unauthorized",
                    message: "A Bearer token is required in the Authorization header"
                ),
                replayed: false
            )
        }
        guard let version = request.header("api-version") else {
            return .respond(
                family.error(
                    400,
                    code: "missing_api_version",
                    message: "The API-Version header is required",
                    extra: ["supported_versions": [.string(Self.acpVersion)]]
                ),
                replayed: false
            )
        }
        guard version == Self.acpVersion else {
            return .respond(
                family.error(
                    400,
                    code: "unsupported_api_version",
                    message: "API-Version \(version) is not supported",
                    extra: ["supported_versions": [.string(Self.acpVersion)]]
                ),
                replayed: false
            )
        }
        let now = self.clock.now()
        if request.method == "GET" {
            guard segments.count == 2 else {
                return .respond(
                    family.error(405, code: "method_not_allowed", message: "GET is not allowed on \(request.path)"),
                    replayed: false
                )
            }
            let found = self.state.withLock { state in
                self.expireIfDue(segments[1], now: now, state: &state)?.json(baseURL: self.baseURL)
            }
            return .respond(found.map { .json(200, $0) } ?? Self.sessionNotFound(segments[1]), replayed: false)
        }
        guard request.method == "POST" else {
            return .respond(
                family.error(
                    405,
                    code: "method_not_allowed",
                    message: "\(request.method) is not allowed on \(request.path)"
                ),
                replayed: false
            )
        }
        guard let key = request.header("idempotency-key"), !key.isEmpty else {
            return .respond(
                family.error(
                    400,
                    code: "idempotency_key_required",
                    message: "Idempotency-Key header is required on all POST requests"
                ),
                replayed: false
            )
        }
        guard key.utf8.count <= 255 else {
            return .respond(
                family.error(
                    400,
                    code: "invalid_idempotency_key",
                    message: "Idempotency-Key must be at most 255 characters"
                ),
                replayed: false
            )
        }
        let body: JSONValue
        do {
            body = request.body.isEmpty ? .object([:]) : try JSONValue(parsing: request.body)
        } catch {
            return .respond(
                family.error(
                    400,
                    code: "invalid_json",
                    message: "The request body is not valid JSON: \(error.message)",
                    param: "$"
                ),
                replayed: false
            )
        }
        guard case .object = body else {
            return .respond(
                family.error(
                    400,
                    code: "invalid_request",
                    message: "The request body must be a JSON object",
                    param: "$"
                ),
                replayed: false
            )
        }
        let scope = IdempotencyRecords.Scope(family: "acp", caller: apiKey, endpoint: "POST \(request.path)", key: key)
        let effect: @Sendable (inout MockState) -> MockResponse
        switch (segments.count, segments.last) {
        case (1, _):
            effect = { state in self.createSession(body, now: now, state: &state) }
        case (2, _):
            effect = { state in self.updateSession(segments[1], body, now: now, state: &state) }
        case (3, "complete"):
            effect = { state in self.completeSession(segments[1], body, key: key, now: now, state: &state) }
        case (3, "cancel"):
            effect = { state in self.cancelSession(segments[1], now: now, state: &state) }
        default:
            return .respond(
                family.error(404, code: "not_found", message: "No route for \(request.method) \(request.path)"),
                replayed: false
            )
        }
        return self.idempotent(scope: scope, fingerprint: .json(body), family: family, effect: effect)
    }

    static func sessionNotFound(_ id: String) -> MockResponse {
        RouteFamily.acp.error(404, code: "not_found", message: "No checkout session \(id)")
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

    /// Parses `line_items` (`Item[]`); a repeated item id adds to its quantity.
    private static func lines(_ value: JSONValue?) throws(RejectedRequest) -> [CheckoutSession.Line] {
        guard let items = value?.arrayValue, !items.isEmpty else {
            throw RejectedRequest(
                response: RouteFamily.acp.error(
                    400,
                    code: "invalid",
                    message: "line_items must be a non-empty array",
                    param: "$.line_items"
                )
            )
        }
        var lines: [CheckoutSession.Line] = []
        for (index, item) in items.enumerated() {
            guard let id = item["id"]?.stringValue else {
                throw RejectedRequest(
                    response: RouteFamily.acp.error(
                        400,
                        code: "invalid",
                        message: "line_items[\(index)].id is required",
                        param: "$.line_items[\(index)].id"
                    )
                )
            }
            guard let product = ACPCatalog.products[id] else {
                throw RejectedRequest(
                    response: RouteFamily.acp.error(
                        400,
                        code: "invalid_item_id",
                        message: "Item \(id) does not exist",
                        param: "$.line_items[\(index)].id"
                    )
                )
            }
            if let existing = lines.firstIndex(where: { $0.product.id == id }) {
                lines[existing].quantity += 1
            } else {
                lines.append(CheckoutSession.Line(product: product, quantity: 1))
            }
        }
        return lines
    }

    private func createSession(_ body: JSONValue, now: Date, state: inout MockState) -> MockResponse {
        let family = RouteFamily.acp
        guard let currency = body["currency"]?.stringValue else {
            return family.error(400, code: "invalid", message: "currency is required", param: "$.currency")
        }
        guard currency.lowercased() == "usd" else {
            return family.error(400, code: "invalid", message: "This merchant sells in usd only", param: "$.currency")
        }
        guard body["capabilities"]?.objectValue != nil else {
            return family.error(400, code: "invalid", message: "capabilities is required", param: "$.capabilities")
        }
        let lines: [CheckoutSession.Line]
        do {
            lines = try Self.lines(body["line_items"])
        } catch {
            return error.response
        }
        if let metadata = body["metadata"], metadata.objectValue == nil {
            return family.error(400, code: "invalid", message: "metadata must be an object", param: "$.metadata")
        }
        var session = CheckoutSession(
            id: state.makeID("cs"),
            status: "not_ready_for_payment",
            currency: "usd",
            lines: lines,
            buyer: body["buyer"],
            fulfillmentDetails: body["fulfillment_details"],
            metadata: body["metadata"],
            createdAt: now,
            updatedAt: now,
            expiresAt: now.addingTimeInterval(self.configuration.sessionLifetime.seconds)
        )
        session.refresh()
        state.sessions[session.id] = session
        return .json(201, session.json(baseURL: self.baseURL))
    }

    private func updateSession(_ id: String, _ body: JSONValue, now: Date, state: inout MockState) -> MockResponse {
        guard var session = self.expireIfDue(id, now: now, state: &state) else { return Self.sessionNotFound(id) }
        guard !session.isTerminal else {
            return RouteFamily.acp.error(
                405,
                code: "invalid_state",
                message: "Checkout session \(id) is \(session.status) and cannot be updated"
            )
        }
        if body["line_items"] != nil {
            do {
                session.lines = try Self.lines(body["line_items"])
            } catch {
                return error.response
            }
        }
        if let buyer = body["buyer"] { session.buyer = buyer == .null ? nil : buyer }
        if let details = body["fulfillment_details"] { session.fulfillmentDetails = details == .null ? nil : details }
        if let selected = body["selected_fulfillment_options"]?.arrayValue?.first?["option_id"]?.stringValue {
            guard ACPCatalog.shippingOptions(subtotal: 0).contains(where: { $0.id == selected }) else {
                return RouteFamily.acp.error(
                    400,
                    code: "invalid",
                    message: "Unknown fulfillment option \(selected)",
                    param: "$.selected_fulfillment_options[0].option_id"
                )
            }
            session.selectedShippingOption = selected
        }
        if session.status == "authentication_required" { session.status = "ready_for_payment" }
        session.updatedAt = now
        session.refresh()
        state.sessions[id] = session
        return .json(200, session.json(baseURL: self.baseURL))
    }

    private func cancelSession(_ id: String, now: Date, state: inout MockState) -> MockResponse {
        guard var session = self.expireIfDue(id, now: now, state: &state) else { return Self.sessionNotFound(id) }
        guard session.status != "completed" && session.status != "canceled" else {
            return RouteFamily.acp.error(
                405,
                code: "invalid_state",
                message: "Checkout session \(id) is already \(session.status)"
            )
        }
        session.status = "canceled"
        session.updatedAt = now
        state.sessions[id] = session
        return .json(200, session.json(baseURL: self.baseURL))
    }
}
