import AgentRetry
import Foundation

extension CheckoutTask {
    static let stripeCreate = "stripe.payment_intent.create"

    /// The same task over Stripe: create a PaymentIntent with `metadata[task_id]` (anchored on its
    /// id), then confirm it with the credential; a re-invocation retrieves it first.
    func runStripe(_ stripe: StripeCheckout, taskID: String, cart: CheckoutCart, token: String) async throws(CheckoutTaskError) -> CheckoutOutcome {
        var log = CheckoutLog(taskID: taskID, stripe: true)
        var (generation, resumed) = try await self.latestGeneration(Self.stripeCreate, profile: .stripe, taskID: taskID, cart: cart, log: log)
        await self.emit(.generation(generation, resumed: resumed))
        while true {
            log.generation = generation
            log.anchor = nil
            let intent = self.createIntent(Self.stripeCreate, taskID: taskID, cart: cart, generation: generation)
            var paymentIntent: StripeCheckout.PaymentIntent?
            if let record = try await self.storedRecord(intent, profile: .stripe, log: log), record.state == .succeeded, let anchor = record.anchor {
                log.anchor = anchor
                log.keys.append(record.key)
                await self.emit(.anchored(anchor, generation: generation, resumed: true))
                // A confirmed PaymentIntent answers from the store, with no request.
                if let confirmed = try await self.storedRecord(self.confirmIntent(anchor, token: token), profile: .stripe, log: log),
                   confirmed.state == .succeeded, let body = confirmed.outcome?.body,
                   let kept = StripeCheckout.PaymentIntent(body), ["succeeded", "requires_capture"].contains(kept.status) {
                    log.keys.append(confirmed.key)
                    log.attempts += confirmed.attempts
                    return log.outcome(.completed)
                }
                paymentIntent = try await self.retrieve(stripe, anchor, log: log)
            } else {
                let fields = [
                    ("amount", String(cart.amount ?? 0)), ("currency", cart.currency),
                    ("metadata[generation]", String(generation)), ("metadata[task_id]", taskID),
                ]
                let call: IdempotentResult
                let response: HTTPResponse
                do {
                    (call, response) = try await stripe.post("/v1/payment_intents", fields: fields, intent: intent, anchored: true)
                } catch {
                    log.note(error)
                    return try self.settleFailedStep(error, step: "create", log: log)
                }
                log.note(call)
                await self.emit(.step("create", status: response.status))
                if response.status == 401 || response.status == 403 {
                    throw log.error(.merchant, "create was refused: the PSP did not accept the API key (\(response.status))")
                }
                guard (200..<300).contains(response.status) else {
                    return log.outcome(.needsInput, reason: "create was refused: \(StripeCheckout.errorMessage(response.body) ?? "status \(response.status)")")
                }
                guard let created = StripeCheckout.PaymentIntent(response.body) else {
                    throw log.error(.merchant, "the PSP's create response is not a PaymentIntent")
                }
                paymentIntent = created
                log.anchor = created.id
                await self.emit(.anchored(created.id, generation: generation, resumed: false))
            }
            guard let current = paymentIntent, let anchor = log.anchor else {
                // The anchored PaymentIntent is gone (404).
                if let outcome = try await self.nextGeneration(&generation, after: "expired", log: log) { return outcome }
                continue
            }
            if let outcome = try await self.confirm(stripe, current, anchor: anchor, token: token, log: &log) { return outcome }
            if let outcome = try await self.nextGeneration(&generation, after: "canceled", log: log) { return outcome }
        }
    }

    /// Moves to the next generation, or the outcome when none is left.
    private func nextGeneration(_ generation: inout Int, after status: String, log: CheckoutLog) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        guard generation + 1 < self.configuration.maximumGenerations else {
            return log.outcome(status == "canceled" ? .canceled : .expired,
                reason: "the PaymentIntent was \(status) and the task has used its \(self.configuration.maximumGenerations) generations")
        }
        generation += 1
        await self.emit(.generation(generation, resumed: false))
        return nil
    }

    /// Confirms the PaymentIntent unless it is settled; `nil` when it was canceled (a new generation).
    private func confirm(
        _ stripe: StripeCheckout, _ paymentIntent: StripeCheckout.PaymentIntent, anchor: String, token: String, log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        switch paymentIntent.status {
        case "succeeded", "requires_capture": return log.outcome(.completed)
        case "canceled": return nil
        case "processing": return try await self.settle(stripe, anchor: anchor, log: log)
        default: break
        }
        let intent = self.confirmIntent(anchor, token: token)
        let call: IdempotentResult
        let response: HTTPResponse
        do {
            (call, response) = try await stripe.post("/v1/payment_intents/\(anchor)/confirm", fields: [("payment_method", token)], intent: intent)
        } catch {
            log.note(error)
            if error.code == .pending || error.idempotentCallError?.code == .inFlightAtServer {
                return try await self.settle(stripe, anchor: anchor, log: log)
            }
            return try self.settleFailedStep(error, step: "confirm", log: log)
        }
        log.note(call)
        await self.emit(.step("confirm", status: response.status))
        if response.status == 402 {
            let message = StripeCheckout.errorMessage(response.body) ?? "Your card was declined."
            let declined = ACPMessage(uncheckedMembers: ["type": "error", "code": "payment_declined", "content_type": "plain", "content": .string(message)])
            return log.outcome(.declined, messages: [declined], reason: message)
        }
        if let confirmed = StripeCheckout.PaymentIntent(response.body), (200..<300).contains(response.status) {
            switch confirmed.status {
            case "succeeded", "requires_capture": return log.outcome(.completed)
            case "processing": return try await self.settle(stripe, anchor: anchor, log: log)
            default: return log.outcome(.needsInput, reason: "the PaymentIntent is \(confirmed.status)")
            }
        }
        // Refused: the PaymentIntent may have been settled meanwhile.
        guard let current = try await self.retrieve(stripe, anchor, log: log) else { return nil }
        if ["succeeded", "requires_capture"].contains(current.status) { return log.outcome(.completed) }
        if current.status == "canceled" { return nil }
        return log.outcome(.needsInput,
            reason: "confirm was refused: \(StripeCheckout.errorMessage(response.body) ?? "status \(response.status)")")
    }

    /// The confirm step's intent: the anchor, the step and the body.
    private func confirmIntent(_ anchor: String, token: String) -> IdempotencyIntent {
        IdempotencyIntent(namespace: self.configuration.namespace, operation: "stripe.payment_intent.confirm",
            inputs: ["payment_intent": .string(anchor), "body": ["payment_method": .string(token)]])
    }

    /// Polls the PaymentIntent until it succeeds or the settle deadline passes; never re-POSTs.
    private func settle(_ stripe: StripeCheckout, anchor: String, log: CheckoutLog) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        await self.emit(.polling(anchor))
        let deadline = self.client.environment.now().addingTimeInterval(self.configuration.settleDeadline.seconds)
        var delay = self.configuration.pollInterval
        repeat {
            if let current = try? await stripe.retrieve(anchor) {
                if ["succeeded", "requires_capture"].contains(current.status) { return log.outcome(.completed) }
                if current.status == "canceled" { return nil }
            }
        } while await self.waitBeforePoll(&delay, until: deadline)
        return log.outcome(.pending,
            reason: "the confirm call is still in flight or its outcome unknown; run the task again to resume it")
    }

    private func retrieve(_ stripe: StripeCheckout, _ anchor: String, log: CheckoutLog) async throws(CheckoutTaskError) -> StripeCheckout.PaymentIntent? {
        do {
            let found = try await stripe.retrieve(anchor)
            await self.emit(.step("retrieve", status: found == nil ? 404 : 200))
            return found
        } catch {
            throw log.error(.merchant, "retrieving PaymentIntent \(anchor) failed: \(error.message)", underlying: error)
        }
    }
}
