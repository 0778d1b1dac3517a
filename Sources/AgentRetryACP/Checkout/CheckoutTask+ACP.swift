import AgentRetry
import Foundation

extension CheckoutTask {
    static let acpCreate = "acp.checkout_session.create"

    /// What driving a session led to.
    enum SessionStep {
        case outcome(CheckoutOutcome)
        case newGeneration(CheckoutSession.Status)
    }

    func runACP(
        _ acp: ACPClient,
        taskID: String,
        cart: CheckoutCart,
        token: String
    ) async throws(CheckoutTaskError) -> CheckoutOutcome {
        var log = CheckoutLog(taskID: taskID, stripe: false)
        var (generation, resumed) = try await self.latestGeneration(
            Self.acpCreate,
            profile: .acp,
            taskID: taskID,
            log: log
        )
        await self.emit(.generation(generation, resumed: resumed))
        while true {
            log.generation = generation
            log.anchor = nil
            if let declined = try await self.declinedEarlier(
                taskID: taskID,
                cart: cart,
                token: token,
                before: generation,
                log: log
            ) {
                return declined
            }
            let intent = self.createIntent(Self.acpCreate, taskID: taskID, generation: generation)
            let request = Self.createRequest(cart: cart, taskID: taskID, generation: generation)
            let sameCart = { (record: IdempotencyRecord) in
                record.requestFingerprint == (try? RequestFingerprint.json(request.acpJSON))
            }
            let kept = try await self.storedRecord(intent, profile: .acp, log: log)
            if let kept, kept.state == .failed, kept.anchor == nil, !sameCart(kept) {
                // The merchant refused this generation's create, so no session exists: a corrected
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
            let created: CheckoutSession
            let session: CheckoutSession
            if let record = kept, record.state == .succeeded,
                let anchor = record.anchor, let body = record.outcome?.body,
                let stored = try? CheckoutSession(parsing: body)
            {
                // An earlier invocation anchored this generation: never create again while it is valid.
                guard sameCart(record) else {
                    throw log.error(
                        .conflict,
                        "task \(taskID) was started with another cart; a different purchase needs another task id"
                    )
                }
                log.anchor = anchor
                log.noteKept(record)
                await self.emit(.anchored(anchor, generation: generation, resumed: true))
                created = stored
                let complete = self.completeRequest(created, cart: cart, token: token)
                if let done = try await self.storedCompletion(anchor: anchor, complete: complete, log: log) {
                    return done
                }
                guard let current = try await self.retrieve(acp, anchor, log: log) else {
                    throw self.anchorLost(anchor, log: log)
                }
                session = current
            } else {
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
                guard !created.id.isEmpty else {
                    throw log.error(.merchant, "the merchant created a session without an id")
                }
                log.anchor = created.id
                await self.emit(.anchored(created.id, generation: generation, resumed: false))
            }
            let anchor = log.anchor ?? created.id
            let complete = self.completeRequest(created, cart: cart, token: token)
            switch try await self.drive(
                acp,
                session: session,
                anchor: anchor,
                complete: complete,
                cart: cart,
                log: &log
            ) {
            case .outcome(let outcome):
                return outcome
            case .newGeneration(let status):
                if generation + 1 >= self.configuration.maximumGenerations,
                    let declined = try await self.declinedEarlier(
                        taskID: taskID,
                        cart: cart,
                        token: token,
                        before: generation + 1,
                        log: log
                    )
                {
                    return declined
                }
                if let outcome = try await self.nextGeneration(&generation, after: status.rawValue, log: log) {
                    return outcome
                }
            }
        }
    }

    /// Moves to the next generation, or returns the outcome when none is left.
    func nextGeneration(
        _ generation: inout Int,
        after status: String,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        guard generation + 1 < self.configuration.maximumGenerations else {
            return log.outcome(
                status == "canceled" ? .canceled : .expired,
                reason: "the session was \(status) and the task has used its "
                    + "\(self.configuration.maximumGenerations) generations"
            )
        }
        generation += 1
        await self.emit(.generation(generation, resumed: false))
        return nil
    }

    /// The anchored session or PaymentIntent is unknown to the merchant (404): whether it was paid
    /// cannot be told, so no new generation is started; the caller must look it up.
    func anchorLost(_ anchor: String, log: CheckoutLog) -> CheckoutTaskError {
        log.error(
            .needsReconciliation,
            "the merchant no longer knows \(anchor), the task's anchor (404); "
                + "find out whether it was paid before starting anew"
        )
    }

    /// Create, update or complete ended without a session: an outcome when the merchant's answer
    /// says what it is, else the task's error.
    func settleFailedStep(
        _ error: ACPClientError,
        step: String,
        log: CheckoutLog
    ) throws(CheckoutTaskError) -> CheckoutOutcome {
        let callCode = error.idempotentCallError?.code
        switch error.code {
        case .pending:
            return log.outcome(
                .pending,
                reason: "the outcome of \(step) is unknown after the retries; run the task again to resume it"
            )
        case _ where callCode == .inFlightAtServer || callCode == .retryAfterBeyondLimit:
            return log.outcome(
                .pending,
                reason:
                    "the merchant is still processing \(step) or asked to wait; run the task again later to resume it"
            )
        case .rejected where error.status == 401 || error.status == 403:
            throw log.error(
                .merchant,
                "\(step) was refused: the merchant did not accept the API key (\(error.status ?? 0))",
                underlying: error
            )
        case .rejected where (error.status ?? 500) < 500:
            let message =
                error.error.map { "\($0.code): \($0.message)" } ?? "the merchant answered \(error.status ?? 0)"
            return log.outcome(.needsInput, reason: "\(step) was refused: \(message)")
        default:
            throw log.error(from: error)
        }
    }

    /// The create body a task sends: one item per unit (ACP's `Item` has no quantity), the buyer,
    /// the fulfilment details, and `metadata` with the task id, the generation and a digest of
    /// the canonical cart (so that a task re-run with another cart is a conflict, not a second
    /// purchase).
    public static func createRequest(
        cart: CheckoutCart,
        taskID: String,
        generation: Int
    ) -> CheckoutSessionCreateRequest {
        CheckoutSessionCreateRequest(
            lineItems: cart.mergedLines.flatMap { line in Array(repeating: ACPItem(id: line.id), count: line.quantity)
            },
            currency: cart.currency,
            buyer: cart.buyer,
            fulfillmentDetails: cart.fulfillmentDetails,
            metadata: [
                "task_id": .string(taskID), "generation": .number(Double(generation)),
                "cart_digest": .string(cart.digest),
            ]
        )
    }

    /// The update body that selects `option` for every line of `session`.
    public static func updateRequest(
        selecting option: FulfillmentOption,
        in session: CheckoutSession
    ) -> CheckoutSessionUpdateRequest {
        CheckoutSessionUpdateRequest(selectedFulfillmentOptions: [
            SelectedFulfillmentOption(kind: option.kind, optionID: option.id, itemIDs: session.lineItems.map(\.id))
        ])
    }

    /// The complete body a task sends for the session `created` returned: deterministic for a
    /// session and a token, so its key is too.
    public func completeRequest(
        _ created: CheckoutSession,
        cart: CheckoutCart,
        token: String
    ) -> CheckoutSessionCompleteRequest {
        let handler = self.configuration.paymentHandlerID ?? created.paymentHandlerIDs.first ?? "card_tokenized"
        return CheckoutSessionCompleteRequest(
            paymentData: PaymentData(handlerID: handler, token: token),
            buyer: cart.buyer
        )
    }

    /// A completed task's outcome straight from the store, with no request: the complete step's
    /// kept response, when it is a completed session.
    func storedCompletion(
        anchor: String,
        complete: CheckoutSessionCompleteRequest,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        guard let (record, session) = try await self.keptCompletion(anchor: anchor, complete: complete, log: log),
            session.status == .completed
        else { return nil }
        var log = log
        log.noteKept(record)
        return log.outcome(.completed, session: session)
    }

    /// The complete step's kept record and session for `anchor`, if it succeeded.
    func keptCompletion(
        anchor: String,
        complete: CheckoutSessionCompleteRequest,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> (IdempotencyRecord, CheckoutSession)? {
        let intent = self.stepIntent("complete", anchor: anchor, body: complete, taskID: log.taskID)
        guard let record = try await self.storedRecord(intent, profile: .acp, log: log), record.state == .succeeded,
            let body = record.outcome?.body, let session = try? CheckoutSession(parsing: body)
        else { return nil }
        return (record, session)
    }

    /// `declined` when this credential was declined on the session of a generation before
    /// `generation`: a decline is terminal for the credential, so it is not sent again.
    func declinedEarlier(
        taskID: String,
        cart: CheckoutCart,
        token: String,
        before generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        for earlier in 0..<generation {
            let intent = self.createIntent(Self.acpCreate, taskID: taskID, generation: earlier)
            guard let record = try await self.storedRecord(intent, profile: .acp, log: log), let anchor = record.anchor,
                let body = record.outcome?.body, let created = try? CheckoutSession(parsing: body),
                let (_, session) = try await self.keptCompletion(
                    anchor: anchor,
                    complete: self.completeRequest(created, cart: cart, token: token),
                    log: log
                )
            else { continue }
            let declined = session.errorMessages.filter { $0.code == .paymentDeclined }
            if !declined.isEmpty {
                var log = log
                log.generation = earlier
                log.anchor = anchor
                return log.outcome(
                    .declined,
                    session: session,
                    messages: declined,
                    reason: "this credential was declined on generation \(earlier); a new credential is a new intent"
                )
            }
        }
        return nil
    }

    /// The intent of a later ACP step of this task.
    func stepIntent(_ step: String, anchor: String, body: some ACPObject, taskID: String) -> IdempotencyIntent {
        guard case .acp(let configuration) = self.merchant else { preconditionFailure("an ACP step of a Stripe task") }
        return ACPClient(client: self.client, configuration: configuration).stepIntent(
            namespace: self.configuration.namespace,
            taskID: taskID,
            anchor: anchor,
            step: step,
            body: body
        )
    }

    /// GET the session; `nil` when the merchant no longer knows it (404).
    func retrieve(
        _ acp: ACPClient,
        _ anchor: String,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutSession? {
        do {
            let session = try await acp.retrieve(anchor)
            await self.emit(.step("retrieve", status: 200))
            return session
        } catch {
            if error.code == .rejected && error.status == 404 { return nil }
            throw log.error(
                .merchant,
                "retrieving checkout session \(anchor) failed: \(error.message)",
                underlying: error
            )
        }
    }
}
