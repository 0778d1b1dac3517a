import AgentRetry
import Foundation
import Synchronization

extension MockPaymentCore {
    private static let createParameters: Set<String> = [
        "amount", "currency", "payment_method", "confirm", "capture_method", "description", "customer",
    ]

    /// Stripe API v1: PaymentIntents and refunds, with Stripe's idempotency semantics.
    func prepareStripe(_ request: MockRequest) -> PreparedResponse {
        let family = RouteFamily.stripe
        guard let apiKey = self.apiKey(of: request) else {
            return .respond(
                family.error(
                    401,
                    code: nil,
                    message: "You did not provide an API key. Provide it in the Authorization header (Bearer)."
                ),
                replayed: false
            )
        }
        let segments = request.segments.map(String.init)
        switch (request.method, segments.count) {
        case ("GET", 2) where segments == ["v1", "payment_intents"]:
            return .respond(self.listPaymentIntents(request), replayed: false)
        case ("GET", 3) where segments == ["v1", "payment_intents", "search"]:
            // Before the retrieval route: `search` is not a PaymentIntent id.
            return .respond(self.searchPaymentIntents(request), replayed: false)
        case ("GET", 3) where segments[1] == "payment_intents":
            let found = self.state.withLock { $0.paymentIntents[segments[2]]?.json }
            return .respond(
                found.map { .json(200, $0) } ?? Self.noSuch("payment_intent", segments[2], param: "intent"),
                replayed: false
            )
        case ("GET", 2) where segments == ["v1", "refunds"]:
            return .respond(self.listRefunds(request), replayed: false)
        case ("GET", 3) where segments[1] == "refunds":
            let found = self.state.withLock { $0.refunds[segments[2]] }
            return .respond(
                found.map { .json(200, $0) } ?? Self.noSuch("refund", segments[2], param: "refund"),
                replayed: false
            )
        case ("POST", _):
            break
        default:
            return .respond(self.unknownStripeRoute(request), replayed: false)
        }

        let form: StripeForm
        do {
            form = try StripeForm(body: request.body)
        } catch {
            return .respond(
                family.error(400, code: "parameter_invalid", message: error.message, param: error.parameter),
                replayed: false
            )
        }
        let key = request.header("idempotency-key")
        let scope = key.map { IdempotencyRecords.Scope(family: "stripe", caller: apiKey, endpoint: nil, key: $0) }
        let fingerprint = IdempotencyRecords.Fingerprint.form(endpoint: request.path, parameters: form.pairs)
        // Stripe saves a result once processing starts: validation happens before the key is
        // claimed, so a request that fails it can be corrected and sent again with the same key.
        let now = Int(self.clock.now().timeIntervalSince1970)

        switch segments {
        case ["v1", "payment_intents"]:
            if let invalid = Self.validateCreate(form) { return .respond(invalid, replayed: false) }
            return self.idempotent(scope: scope, fingerprint: fingerprint, family: family) { state in
                Self.createPaymentIntent(form, key: key, now: now, state: &state)
            }
        case _ where segments.count == 4 && segments[1] == "payment_intents" && segments[3] == "confirm":
            if let unknown = form.unknownParameters(allowed: ["payment_method"]).first {
                return .respond(
                    family.error(
                        400,
                        code: "parameter_unknown",
                        message: "Received unknown parameter: \(unknown)",
                        param: unknown
                    ),
                    replayed: false
                )
            }
            let id = segments[2]
            return self.idempotent(scope: scope, fingerprint: fingerprint, family: family) { state in
                guard var intent = state.paymentIntents[id] else {
                    return Self.noSuch("payment_intent", id, param: "intent")
                }
                if let method = form.values["payment_method"] { intent.paymentMethod = method }
                return Self.confirm(&intent, key: key, now: now, state: &state)
            }
        case _ where segments.count == 4 && segments[1] == "payment_intents" && segments[3] == "cancel":
            let id = segments[2]
            return self.idempotent(scope: scope, fingerprint: fingerprint, family: family) { state in
                guard var intent = state.paymentIntents[id] else {
                    return Self.noSuch("payment_intent", id, param: "intent")
                }
                guard
                    ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"]
                        .contains(intent.status)
                else {
                    return family.error(
                        400,
                        code: "payment_intent_unexpected_state",
                        message: "You cannot cancel this PaymentIntent because it has a status of \(intent.status).",
                        extra: ["payment_intent": intent.json]
                    )
                }
                intent.status = "canceled"
                intent.canceledAt = now
                intent.cancellationReason = form.values["cancellation_reason"]
                state.paymentIntents[id] = intent
                return .json(200, intent.json)
            }
        case ["v1", "refunds"]:
            guard let intentID = form.values["payment_intent"] else {
                return .respond(
                    family.error(
                        400,
                        code: "parameter_missing",
                        message: "Missing required param: payment_intent.",
                        param: "payment_intent"
                    ),
                    replayed: false
                )
            }
            let amount: Int?
            switch form.positiveInteger("amount") {
            case .success(let value): amount = value
            case .failure(let error):
                return .respond(
                    family.error(
                        400,
                        code: "parameter_invalid_integer",
                        message: error.message,
                        param: error.parameter
                    ),
                    replayed: false
                )
            }
            return self.idempotent(scope: scope, fingerprint: fingerprint, family: family) { state in
                Self.refund(intentID: intentID, amount: amount, form: form, key: key, now: now, state: &state)
            }
        default:
            return .respond(self.unknownStripeRoute(request), replayed: false)
        }
    }

    private func unknownStripeRoute(_ request: MockRequest) -> MockResponse {
        RouteFamily.stripe.error(
            404,
            code: nil,
            message: "Unrecognized request URL (\(request.method): \(request.path))."
        )
    }

    static func noSuch(_ object: String, _ id: String, param: String) -> MockResponse {
        RouteFamily.stripe.error(404, code: "resource_missing", message: "No such \(object): '\(id)'", param: param)
    }

    private static func validateCreate(_ form: StripeForm) -> MockResponse? {
        let family = RouteFamily.stripe
        if let unknown = form.unknownParameters(allowed: Self.createParameters).first {
            return family.error(
                400,
                code: "parameter_unknown",
                message: "Received unknown parameter: \(unknown)",
                param: unknown
            )
        }
        switch form.positiveInteger("amount") {
        case .success(nil):
            return family.error(
                400,
                code: "parameter_missing",
                message: "Missing required param: amount.",
                param: "amount"
            )
        case .failure(let error):
            return family.error(400, code: "parameter_invalid_integer", message: error.message, param: error.parameter)
        case .success: break
        }
        guard let currency = form.values["currency"] else {
            return family.error(
                400,
                code: "parameter_missing",
                message: "Missing required param: currency.",
                param: "currency"
            )
        }
        guard currency.count == 3, currency.allSatisfy({ $0.isLetter && $0.isASCII }) else {
            return family.error(
                400,
                code: "parameter_invalid_string",
                message: "Invalid currency: \(currency).",
                param: "currency"
            )
        }
        if case .failure(let error) = form.boolean("confirm") {
            return family.error(400, code: "parameter_invalid_boolean", message: error.message, param: error.parameter)
        }
        if let capture = form.values["capture_method"], !["automatic", "automatic_async", "manual"].contains(capture) {
            return family.error(
                400,
                code: "parameter_invalid_string",
                message: "Invalid capture_method: \(capture).",
                param: "capture_method"
            )
        }
        return nil
    }

    private static func createPaymentIntent(
        _ form: StripeForm,
        key: String?,
        now: Int,
        state: inout MockState
    ) -> MockResponse {
        var intent = PaymentIntent(
            id: state.makeID("pi"),
            amount: Int(form.values["amount"] ?? "") ?? 0,
            currency: (form.values["currency"] ?? "").lowercased(),
            status: form.values["payment_method"] == nil ? "requires_payment_method" : "requires_confirmation",
            paymentMethod: form.values["payment_method"],
            captureMethod: form.values["capture_method"] ?? "automatic",
            description: form.values["description"],
            customer: form.values["customer"],
            metadata: form.metadata,
            created: now
        )
        state.paymentIntentOrder.append(intent.id)
        guard case .success(true) = form.boolean("confirm") else {
            state.paymentIntents[intent.id] = intent
            return .json(200, intent.json)
        }
        return Self.confirm(&intent, key: key, now: now, state: &state)
    }

    /// Charges the intent's payment method; records the charge in the ledger on success.
    private static func confirm(
        _ intent: inout PaymentIntent,
        key: String?,
        now: Int,
        state: inout MockState
    ) -> MockResponse {
        let family = RouteFamily.stripe
        defer { state.paymentIntents[intent.id] = intent }
        guard ["requires_payment_method", "requires_confirmation"].contains(intent.status) else {
            return family.error(
                400,
                code: "payment_intent_unexpected_state",
                message: "This PaymentIntent's status is \(intent.status), so it cannot be confirmed.",
                extra: ["payment_intent": intent.json]
            )
        }
        guard let method = intent.paymentMethod else {
            return family.error(
                400,
                code: "payment_intent_unexpected_state",
                message: "You cannot confirm this PaymentIntent because it's missing a payment method.",
                param: "payment_method"
            )
        }
        guard let behaviour = TestPaymentMethod(method) else {
            intent.paymentMethod = nil
            intent.status = "requires_payment_method"
            return Self.noSuch("PaymentMethod", method, param: "payment_method")
        }
        switch behaviour {
        case .succeeds:
            intent.latestCharge = state.makeID("ch")
            intent.lastPaymentError = .null
            if intent.captureMethod == "manual" {
                intent.status = "requires_capture"
            } else {
                intent.status = "succeeded"
                intent.amountReceived = intent.amount
                state.ledger.append(
                    LedgerEntry(
                        kind: "charge",
                        id: intent.id,
                        amount: intent.amount,
                        currency: intent.currency,
                        idempotencyKey: key,
                        taskID: intent.metadata["task_id"],
                        time: Date(timeIntervalSince1970: Double(now))
                    )
                )
                state.webhookOutbox.addStripe(type: "payment_intent.succeeded", object: intent.json, created: now)
            }
            return .json(200, intent.json)
        case .declined(let declineCode, let message):
            let error: JSONValue = [
                "type": "card_error", "code": "card_declined", "decline_code": .string(declineCode),
                "message": .string(message), "param": "",
                "payment_method": ["id": .string(method), "object": "payment_method"],
            ]
            intent.status = "requires_payment_method"
            intent.lastPaymentError = error
            var body = error.objectValue ?? [:]
            body["payment_intent"] = intent.json
            return .json(402, ["error": .object(body)])
        }
    }

}
