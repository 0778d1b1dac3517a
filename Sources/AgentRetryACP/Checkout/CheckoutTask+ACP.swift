import AgentRetry
import Foundation

extension CheckoutTask {
    static let acpCreate = "acp.checkout_session.create"

    /// What driving a session led to.
    enum SessionStep {
        case outcome(CheckoutOutcome)
        case newGeneration(CheckoutSession.Status)
    }

    func runACP(_ acp: ACPClient, taskID: String, cart: CheckoutCart, token: String) async throws(CheckoutTaskError) -> CheckoutOutcome {
        var log = CheckoutLog(taskID: taskID, stripe: false)
        var (generation, resumed) = try await self.latestGeneration(Self.acpCreate, profile: .acp, taskID: taskID, cart: cart, log: log)
        await self.emit(.generation(generation, resumed: resumed))
        while true {
            log.generation = generation
            log.anchor = nil
            let intent = self.createIntent(Self.acpCreate, taskID: taskID, cart: cart, generation: generation)
            let created: CheckoutSession
            var session: CheckoutSession?
            if let record = try await self.storedRecord(intent, profile: .acp, log: log), record.state == .succeeded,
               let anchor = record.anchor, let body = record.outcome?.body, let stored = try? CheckoutSession(parsing: body) {
                // An earlier invocation anchored this generation: never create again while it is valid.
                log.anchor = anchor
                log.keys.append(record.key)
                await self.emit(.anchored(anchor, generation: generation, resumed: true))
                created = stored
                let complete = self.completeRequest(created, cart: cart, token: token)
                if let done = try await self.storedCompletion(acp, anchor: anchor, complete: complete, log: log) { return done }
                session = try await self.retrieve(acp, anchor, log: log)
            } else {
                let request = Self.createRequest(cart: cart, taskID: taskID, generation: generation)
                do {
                    let response = try await acp.create(request, intent: intent)
                    log.note(response.call)
                    await self.emit(.step("create", status: response.status))
                    created = response.body
                    session = response.body
                } catch {
                    log.note(error)
                    return try self.settleFailedStep(error, step: "create", log: log)
                }
                guard !created.id.isEmpty else { throw log.error(.merchant, "the merchant created a session without an id") }
                log.anchor = created.id
                await self.emit(.anchored(created.id, generation: generation, resumed: false))
            }
            let anchor = log.anchor ?? created.id
            let step: SessionStep
            if let session {
                step = try await self.drive(acp, session: session, anchor: anchor, complete: self.completeRequest(created, cart: cart, token: token),
                    cart: cart, log: &log)
            } else {
                // The anchored session is gone (404): as good as expired.
                step = .newGeneration(.expired)
            }
            switch step {
            case .outcome(let outcome):
                return outcome
            case .newGeneration(let status):
                guard generation + 1 < self.configuration.maximumGenerations else {
                    return log.outcome(status == .canceled ? .canceled : .expired,
                        reason: "the session was \(status) and the task has used its \(self.configuration.maximumGenerations) generations")
                }
                generation += 1
                await self.emit(.generation(generation, resumed: false))
            }
        }
    }

    /// Create, update or complete ended without a session: an outcome when the merchant's answer
    /// says what it is, else the task's error.
    func settleFailedStep(_ error: ACPClientError, step: String, log: CheckoutLog) throws(CheckoutTaskError) -> CheckoutOutcome {
        switch error.code {
        case .pending:
            return log.outcome(.pending, reason: "the outcome of \(step) is unknown after the retries; run the task again to resume it")
        case .rejected where error.status == 401 || error.status == 403:
            throw log.error(.merchant, "\(step) was refused: the merchant did not accept the API key (\(error.status ?? 0))", underlying: error)
        case .rejected where (error.status ?? 500) < 500:
            let message = error.error.map { "\($0.code): \($0.message)" } ?? "the merchant answered \(error.status ?? 0)"
            return log.outcome(.needsInput, reason: "\(step) was refused: \(message)")
        default:
            if let callError = error.idempotentCallError, callError.code == .retryAfterBeyondLimit {
                return log.outcome(.pending, reason: "the merchant asked to wait beyond the retry limits; run the task again later")
            }
            throw log.error(from: error)
        }
    }

    /// The create body a task sends: one item per unit (ACP's `Item` has no quantity), the buyer,
    /// the fulfilment details, and `metadata` with the task id and generation.
    public static func createRequest(cart: CheckoutCart, taskID: String, generation: Int) -> CheckoutSessionCreateRequest {
        CheckoutSessionCreateRequest(
            lineItems: cart.mergedLines.flatMap { line in Array(repeating: ACPItem(id: line.id), count: line.quantity) },
            currency: cart.currency, buyer: cart.buyer, fulfillmentDetails: cart.fulfillmentDetails,
            metadata: ["task_id": .string(taskID), "generation": .number(Double(generation))])
    }

    /// The update body that selects `option` for every line of `session`.
    public static func updateRequest(selecting option: FulfillmentOption, in session: CheckoutSession) -> CheckoutSessionUpdateRequest {
        CheckoutSessionUpdateRequest(selectedFulfillmentOptions: [
            SelectedFulfillmentOption(kind: option.kind, optionID: option.id, itemIDs: session.lineItems.map(\.id)),
        ])
    }

    /// The complete body a task sends for the session `created` returned: deterministic for a
    /// session and a token, so its key is too.
    public func completeRequest(_ created: CheckoutSession, cart: CheckoutCart, token: String) -> CheckoutSessionCompleteRequest {
        let handler = self.configuration.paymentHandlerID ?? created.paymentHandlerIDs.first ?? "card_tokenized"
        return CheckoutSessionCompleteRequest(paymentData: PaymentData(handlerID: handler, token: token), buyer: cart.buyer)
    }

    /// A completed task's outcome straight from the store, with no request: the complete step's
    /// kept response, when it is a completed session.
    func storedCompletion(_ acp: ACPClient, anchor: String, complete: CheckoutSessionCompleteRequest, log: CheckoutLog) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        let intent = ACPClient.stepIntent(namespace: self.configuration.namespace, anchor: anchor, step: "complete", body: complete)
        guard let record = try await self.storedRecord(intent, profile: .acp, log: log), record.state == .succeeded,
              let body = record.outcome?.body, let session = try? CheckoutSession(parsing: body), session.status == .completed
        else { return nil }
        var log = log
        log.keys.append(record.key)
        log.attempts += record.attempts
        return log.outcome(.completed, session: session)
    }

    /// GET the session; `nil` when the merchant no longer knows it (404).
    func retrieve(_ acp: ACPClient, _ anchor: String, log: CheckoutLog) async throws(CheckoutTaskError) -> CheckoutSession? {
        do {
            let session = try await acp.retrieve(anchor)
            await self.emit(.step("retrieve", status: 200))
            return session
        } catch {
            if error.code == .rejected && error.status == 404 { return nil }
            throw log.error(.merchant, "retrieving checkout session \(anchor) failed: \(error.message)", underlying: error)
        }
    }
}
