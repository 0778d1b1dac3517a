import AgentRetry
import Foundation

extension CheckoutTask {
    static let stripeCreate = "stripe.payment_intent.create"

    /// The same task over Stripe: create a PaymentIntent with `metadata[task_id]` (anchored on its
    /// id), then confirm it with the credential; a re-invocation retrieves it first.
    func runStripe(
        _ stripe: StripeCheckout,
        taskID: String,
        cart: CheckoutCart,
        token: String
    ) async throws(CheckoutTaskError) -> CheckoutOutcome {
        var log = CheckoutLog(taskID: taskID, stripe: true)
        var (generation, resumed) = try await self.latestGeneration(
            Self.stripeCreate,
            profile: .stripe,
            taskID: taskID,
            log: log
        )
        await self.emit(.generation(generation, resumed: resumed))
        while true {
            log.generation = generation
            log.anchor = nil
            if let declined = try await self.stripeDeclinedEarlier(
                taskID: taskID,
                token: token,
                before: generation,
                log: log
            ) {
                return declined
            }
            let intent = self.createIntent(Self.stripeCreate, taskID: taskID, generation: generation)
            let fields = [
                ("amount", String(cart.amount ?? 0)), ("currency", cart.currency),
                ("metadata[cart_digest]", cart.digest),
                ("metadata[generation]", String(generation)), ("metadata[task_id]", taskID),
            ]
            let paymentIntent: StripeCheckout.PaymentIntent
            let kept = try await self.storedRecord(intent, profile: .stripe, log: log)
            if let kept, kept.state == .failed, kept.anchor == nil,
                kept.requestFingerprint != .form(StripeCheckout.formBody(fields))
            {
                // The PSP refused this generation's create: no PaymentIntent exists, so a corrected
                // cart starts the next generation.
                guard generation + 1 < self.configuration.maximumGenerations else {
                    return log.outcome(
                        .needsInput,
                        reason: "create was refused and the task has used its "
                            + "\(self.configuration.maximumGenerations) generations"
                    )
                }
                generation += 1
                await self.emit(.generation(generation, resumed: false))
                continue
            }
            if let record = kept, record.state == .succeeded, let anchor = record.anchor {
                guard record.requestFingerprint == .form(StripeCheckout.formBody(fields)) else {
                    throw log.error(
                        .conflict,
                        "task \(taskID) was started with another cart; a different purchase needs another task id"
                    )
                }
                log.anchor = anchor
                log.noteKept(record)
                await self.emit(.anchored(anchor, generation: generation, resumed: true))
                // A confirmed PaymentIntent answers from the store, with no request.
                if let confirmed = try await self.storedRecord(
                    self.confirmIntent(anchor, token: token, taskID: taskID),
                    profile: .stripe,
                    log: log
                ),
                    confirmed.state == .succeeded, let body = confirmed.outcome?.body,
                    StripeCheckout.PaymentIntent(body)?.isPaid == true
                {
                    log.noteKept(confirmed)
                    return log.outcome(.completed)
                }
                guard let current = try await self.retrieve(stripe, anchor, log: log) else {
                    throw self.anchorLost(anchor, log: log)
                }
                paymentIntent = current
            } else {
                let call: IdempotentResult
                let response: HTTPResponse
                do {
                    let generationNow = generation
                    (call, response) = try await stripe.post(
                        "/v1/payment_intents",
                        fields: fields,
                        intent: intent,
                        anchored: true,
                        reconcile: { _ in try await stripe.findCreated(taskID: taskID, generation: generationNow) }
                    )
                } catch {
                    log.note(error)
                    return try self.settleFailedStep(error, step: "create", log: log)
                }
                log.note(call)
                await self.emit(.step("create", status: response.status))
                if response.status == 401 || response.status == 403 {
                    throw log.error(
                        .merchant,
                        "create was refused: the PSP did not accept the API key (\(response.status))"
                    )
                }
                guard (200..<300).contains(response.status) else {
                    return log.outcome(
                        .needsInput,
                        reason: "create was refused: "
                            + "\(StripeCheckout.errorMessage(response.body) ?? "status \(response.status)")"
                    )
                }
                guard let created = StripeCheckout.PaymentIntent(response.body) else {
                    throw log.error(.merchant, "the PSP's create response is not a PaymentIntent")
                }
                paymentIntent = created
                log.anchor = created.id
                await self.emit(.anchored(created.id, generation: generation, resumed: false))
            }
            if let outcome = try await self.confirm(stripe, paymentIntent, token: token, log: &log) { return outcome }
            if generation + 1 >= self.configuration.maximumGenerations,
                let declined = try await self.stripeDeclinedEarlier(
                    taskID: taskID,
                    token: token,
                    before: generation + 1,
                    log: log
                )
            {
                return declined
            }
            if let outcome = try await self.nextGeneration(&generation, after: "canceled", log: log) { return outcome }
        }
    }

    /// Confirms the PaymentIntent unless it is settled; `nil` when it was canceled (a new generation).
    private func confirm(
        _ stripe: StripeCheckout,
        _ paymentIntent: StripeCheckout.PaymentIntent,
        token: String,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        let anchor = paymentIntent.id
        if paymentIntent.isPaid { return log.outcome(.completed) }
        switch paymentIntent.status {
        case "canceled": return nil
        case "processing": return try await self.settle(stripe, anchor: anchor, token: token, log: log)
        default: break
        }
        let call: IdempotentResult
        let response: HTTPResponse
        do {
            (call, response) = try await stripe.post(
                "/v1/payment_intents/\(anchor)/confirm",
                fields: [("payment_method", token)],
                intent: self.confirmIntent(anchor, token: token, taskID: log.taskID),
                reconcile: { _ in try await stripe.findConfirmed(anchor, token: token) }
            )
        } catch {
            log.note(error)
            if error.code == .pending || error.idempotentCallError?.code == .inFlightAtServer {
                return try await self.settle(stripe, anchor: anchor, token: token, log: log)
            }
            return try self.settleFailedStep(error, step: "confirm", log: log)
        }
        log.note(call)
        await self.emit(.step("confirm", status: response.status))
        if response.status == 402 {
            return Self.declined(StripeCheckout.errorMessage(response.body), log: log)
        }
        if let confirmed = StripeCheckout.PaymentIntent(response.body), (200..<300).contains(response.status) {
            if confirmed.isPaid { return log.outcome(.completed) }
            if confirmed.status == "processing" {
                return try await self.settle(stripe, anchor: anchor, token: token, log: log)
            }
            return log.outcome(.needsInput, reason: "the PaymentIntent is \(confirmed.status)")
        }
        // Refused: the PaymentIntent may have been settled meanwhile.
        guard let current = try await self.retrieve(stripe, anchor, log: log) else {
            throw self.anchorLost(anchor, log: log)
        }
        if current.isPaid { return log.outcome(.completed) }
        if current.status == "canceled" { return nil }
        return log.outcome(
            .needsInput,
            reason: "confirm was refused: \(StripeCheckout.errorMessage(response.body) ?? "status \(response.status)")"
        )
    }

    /// The confirm step's intent: the anchor, the step and the body.
    private func confirmIntent(_ anchor: String, token: String, taskID: String) -> IdempotencyIntent {
        // The body by its fingerprint: the intent never holds the card token itself.
        IdempotencyIntent(
            namespace: self.configuration.namespace,
            operation: "stripe.payment_intent.confirm",
            inputs: [
                "merchant": .string(self.merchant.baseURL), "task_id": .string(taskID),
                "payment_intent": .string(anchor),
                "body_sha256": .string(
                    RequestFingerprint.form(StripeCheckout.formBody([("payment_method", token)])).rawValue
                ),
            ]
        )
    }

    /// `declined` when this card was declined (402) on an earlier generation's PaymentIntent.
    private func stripeDeclinedEarlier(
        taskID: String,
        token: String,
        before generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        for earlier in 0..<generation {
            guard
                let created = try await self.storedRecord(
                    self.createIntent(Self.stripeCreate, taskID: taskID, generation: earlier),
                    profile: .stripe,
                    log: log
                ),
                let anchor = created.anchor,
                let confirm = try await self.storedRecord(
                    self.confirmIntent(anchor, token: token, taskID: taskID),
                    profile: .stripe,
                    log: log
                ),
                confirm.state.isTerminal, confirm.outcome?.status == 402
            else { continue }
            var log = log
            log.generation = earlier
            log.anchor = anchor
            return Self.declined(confirm.outcome.flatMap { StripeCheckout.errorMessage($0.body) }, log: log)
        }
        return nil
    }

    private static func declined(_ message: String?, log: CheckoutLog) -> CheckoutOutcome {
        let text = message ?? "Your card was declined."
        let declined = ACPMessage(uncheckedMembers: [
            "type": "error", "code": "payment_declined", "content_type": "plain", "content": .string(text),
        ])
        return log.outcome(
            .declined,
            messages: [declined],
            reason: "the card was declined; a new credential is a new intent"
        )
    }

    /// Polls the PaymentIntent until it is paid, declined, canceled or the settle deadline passes;
    /// never re-POSTs.
    private func settle(
        _ stripe: StripeCheckout,
        anchor: String,
        token: String,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        await self.emit(.polling(anchor))
        var schedule = self.pollSchedule()
        repeat {
            // An unreachable PSP is polled again until the deadline; a 404 ends the poll.
            let found: StripeCheckout.PaymentIntent?
            do { found = try await self.retrieve(stripe, anchor, log: log) } catch { continue }
            guard let current = found else { throw self.anchorLost(anchor, log: log) }
            if current.isPaid { return log.outcome(.completed) }
            if current.status == "canceled" { return nil }
            // A decline only counts when it is this card's: an earlier card's error stays on the PaymentIntent.
            if current.status == "requires_payment_method", let error = current.json["last_payment_error"],
                error != .null,
                current.json["payment_method"]?.stringValue == token
                    || error["payment_method"]?["id"]?.stringValue == token
            {
                return Self.declined(error["message"]?.stringValue, log: log)
            }
        } while await self.waitBeforePoll(&schedule)
        return log.outcome(
            .pending,
            reason: "the confirm call is still in flight or its outcome unknown; run the task again to resume it"
        )
    }

    private func retrieve(
        _ stripe: StripeCheckout,
        _ anchor: String,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> StripeCheckout.PaymentIntent? {
        do {
            let found = try await stripe.retrieve(anchor)
            await self.emit(.step("retrieve", status: found == nil ? 404 : 200))
            return found
        } catch {
            throw log.error(.merchant, "retrieving PaymentIntent \(anchor) failed: \(error.message)", underlying: error)
        }
    }
}
