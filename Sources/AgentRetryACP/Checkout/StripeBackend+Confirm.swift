import AgentRetry

extension StripeBackend {
    /// Confirms the PaymentIntent with the credential.
    func advance(
        _ intent: StripePaymentIntent,
        anchor: CheckoutAnchor<StripePaymentIntent>,
        run: CheckoutRun,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutStepAnswer<StripePaymentIntent> {
        let stripe = self.stripe
        let token = run.token
        let id = anchor.id
        let call: IdempotentResult
        let response: HTTPResponse
        do {
            (call, response) = try await stripe.post(
                "/v1/payment_intents/\(id)/confirm",
                fields: [("payment_method", token)],
                intent: self.confirmIntent(id, run: run),
                reconcile: { _ in try await stripe.findConfirmed(id, token: token) }
            )
        } catch {
            log.note(error)
            if error.isPending || error.isInFlight { return .settle }
            return .outcome(try log.settle(error, step: "confirm"))
        }
        log.note(call)
        await self.task.emit(.step("confirm", status: response.status))
        if response.status == 402 {
            let message = ErrorResponseBody(response)?.message
            return .outcome(
                CheckoutFlow<Self>.declined(log: log, session: nil, messages: [Self.declinedMessage(message)])
            )
        }
        if (200..<300).contains(response.status), let confirmed = StripePaymentIntent(response.body) {
            if case .readyToPay = self.phase(of: confirmed, anchor: anchor, run: run) {
                return .outcome(log.outcome(.needsInput, reason: "the PaymentIntent is \(confirmed.status)"))
            }
            return .advanced(confirmed)
        }
        // Refused: the PaymentIntent may have been settled meanwhile.
        let refusal = Self.refusal(response, call: call)
        if let status = refusal.status, status == 401 || status == 403 {
            return .outcome(try log.settle(refusal, step: "confirm"))
        }
        guard let current = try await self.read(anchor, log: log) else { throw log.anchorLost(id) }
        if current.isPaid || current.status == .canceled { return .advanced(current) }
        return .outcome(try log.settle(refusal, step: "confirm"))
    }

    func keptCompletion(
        _ anchor: CheckoutAnchor<StripePaymentIntent>,
        run: CheckoutRun,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutKeptCompletion<StripePaymentIntent>? {
        let intent = self.confirmIntent(anchor.id, run: run)
        guard let record = try await self.task.storedRecord(intent, profile: .stripe, log: log),
            record.state.isTerminal, let outcome = record.outcome
        else { return nil }
        let confirmed = StripePaymentIntent(outcome.body)
        if record.state == .succeeded, confirmed?.isPaid == true {
            return CheckoutKeptCompletion(record: record, resource: confirmed, verdict: .completed)
        }
        if outcome.status == 402 {
            let message = ErrorResponseBody(parsing: outcome.body)?.message
            return CheckoutKeptCompletion(
                record: record,
                resource: nil,
                verdict: .declined([Self.declinedMessage(message)])
            )
        }
        return CheckoutKeptCompletion(record: record, resource: confirmed, verdict: .other)
    }
}
