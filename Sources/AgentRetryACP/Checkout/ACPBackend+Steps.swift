import AgentRetry

extension ACPBackend {
    func advance(
        _ session: CheckoutSession,
        anchor: CheckoutAnchor<CheckoutSession>,
        run: CheckoutRun,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutStepAnswer<CheckoutSession> {
        if case .needsUpdate = self.phase(of: session, anchor: anchor, run: run),
            let wanted = run.cart.fulfillmentOptionID,
            let option = session.fulfillmentOptions.first(where: { $0.id == wanted })
        {
            return try await self.update(session, selecting: option, anchor: anchor, log: &log)
        }
        return try await self.complete(anchor: anchor, run: run, log: &log)
    }

    /// Selects the cart's fulfilment option; a refusal reads the session again (it may have
    /// expired, or the option may be selected already).
    private func update(
        _ session: CheckoutSession,
        selecting option: FulfillmentOption,
        anchor: CheckoutAnchor<CheckoutSession>,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutStepAnswer<CheckoutSession> {
        let client = self.client(for: anchor)
        let body = CheckoutTask.updateRequest(selecting: option, in: session).encoded(for: client.version)
        let intent = self.stepIntent("update", body: body, anchor: anchor, log: log)
        do {
            let path = "/checkout_sessions/\(try ACPClient.pathSegment(anchor.id))"
            let response = try await client.post(path, body: body, intent: intent)
            log.note(response.call)
            await self.task.emit(.step("update", status: response.status))
            return .advanced(response.body)
        } catch {
            log.note(error)
            return try await self.afterRefusal(error, step: "update", anchor: anchor, log: log) { current in
                current.status.isTerminal || current.selectedFulfillmentOptionIDs.contains(option.id)
            }
        }
    }

    /// Completes with the credential: a completed session, a decline, or a poll while in flight.
    private func complete(
        anchor: CheckoutAnchor<CheckoutSession>,
        run: CheckoutRun,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutStepAnswer<CheckoutSession> {
        let client = self.client(for: anchor)
        let body = self.completeBody(anchor: anchor, run: run)
        let intent = self.stepIntent("complete", body: body, anchor: anchor, log: log)
        let session: CheckoutSession
        do {
            let path = "/checkout_sessions/\(try ACPClient.pathSegment(anchor.id))/complete"
            let response = try await client.post(path, body: body, intent: intent)
            log.note(response.call)
            await self.task.emit(.step("complete", status: response.status))
            session = response.body
        } catch {
            log.note(error)
            // The complete may have happened, or is still running: never re-POST, read.
            if error.isPending || error.isInFlight { return .settle }
            if error.code == .rejected, CheckoutRefusal.code(error.body) == "requires_3ds" {
                return .outcome(
                    log.outcome(
                        .needsInput,
                        reason: "3D Secure authentication is required: authenticate the buyer, "
                            + "then complete with an authentication_result (ACPClient.complete)"
                    )
                )
            }
            return try await self.afterRefusal(error, step: "complete", anchor: anchor, log: log) { current in
                current.status.isTerminal
            }
        }
        let declined = session.errorMessages.filter { $0.code == .paymentDeclined }
        if session.status != .completed, !declined.isEmpty {
            return .outcome(CheckoutFlow<Self>.declined(log: log, session: session, messages: declined))
        }
        if session.status.isTerminal || session.status == .completeInProgress { return .advanced(session) }
        return .outcome(
            log.outcome(
                .needsInput,
                session: session,
                messages: session.messages,
                reason: "the merchant did not complete the session (\(session.status))"
            )
        )
    }

    /// A refused step: the session read again goes on when `accept` says so, else the refusal is
    /// the outcome.
    private func afterRefusal(
        _ error: ACPClientError,
        step: String,
        anchor: CheckoutAnchor<CheckoutSession>,
        log: CheckoutLog,
        accept: (CheckoutSession) -> Bool
    ) async throws(CheckoutTaskError) -> CheckoutStepAnswer<CheckoutSession> {
        guard error.code == .rejected, error.isRefusal else { return .outcome(try log.settle(error, step: step)) }
        guard let current = try await self.read(anchor, log: log) else { throw log.anchorLost(anchor.id) }
        if accept(current) { return .advanced(current) }
        var outcome = try log.settle(error, step: step)
        outcome.session = current
        return .outcome(outcome)
    }

    /// The complete body: deterministic for a session and a credential, so its key is too.
    func completeBody(anchor: CheckoutAnchor<CheckoutSession>, run: CheckoutRun) -> JSONValue {
        let complete = self.task.completeRequest(anchor.created, cart: run.cart, token: run.token)
        return complete.encoded(for: self.client(for: anchor).version, session: anchor.created)
    }

    /// The intent of a later step, in the anchor's version.
    func stepIntent(
        _ step: String,
        body: JSONValue,
        anchor: CheckoutAnchor<CheckoutSession>,
        log: CheckoutLog
    ) -> IdempotencyIntent {
        self.client(for: anchor).stepIntent(
            namespace: self.task.configuration.namespace,
            taskID: log.taskID,
            anchor: anchor.id,
            step: step,
            encoded: body,
            version: self.client(for: anchor).version
        )
    }

    func keptCompletion(
        _ anchor: CheckoutAnchor<CheckoutSession>,
        run: CheckoutRun,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutKeptCompletion<CheckoutSession>? {
        let intent = self.stepIntent(
            "complete",
            body: self.completeBody(anchor: anchor, run: run),
            anchor: anchor,
            log: log
        )
        guard let record = try await self.task.storedRecord(intent, profile: .acp, log: log),
            record.state == .succeeded,
            let body = record.outcome?.body, let session = try? CheckoutSession(parsing: body)
        else { return nil }
        let declined = session.errorMessages.filter { $0.code == .paymentDeclined }
        let verdict: CheckoutKeptCompletion<CheckoutSession>.Verdict =
            session.status == .completed ? .completed : declined.isEmpty ? .other : .declined(declined)
        return CheckoutKeptCompletion(record: record, resource: session, verdict: verdict)
    }
}
