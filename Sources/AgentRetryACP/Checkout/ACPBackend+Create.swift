import AgentRetry
import Synchronization

extension ACPBackend {
    /// One create sent in one version: its result, and the 5xx a probing send got twice.
    struct CreateAttempt {
        var result: Result<ACPResponse<CheckoutSession>, ACPClientError>
        var serverError: Int?
    }

    /// Creates the session, negotiating the version (``ACPVersionNegotiator`` decides; this loop
    /// sends): each version's create under its own key, each at most once per invocation.
    ///
    /// The generation's creates in different versions have different keys, so no merchant's
    /// idempotency keeps two invocations from creating one session each (one after a 5xx it took
    /// for a version answer, the other in the version that answered): the negotiation runs under
    /// the generation's lock, and one that finds the generation anchored once it holds the lock
    /// takes that session.
    func create(
        _ run: CheckoutRun,
        generation: Int,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutCreateAnswer<CheckoutSession> {
        let lock: IdempotencyKey
        do {
            lock = try await self.task.client.acquireLock(self.createLock(run, generation: generation), profile: .acp)
        } catch {
            throw log.error(
                error.code == .inProgressElsewhere ? .inProgressElsewhere : .store,
                "the create of generation \(generation) is negotiated by another invocation: \(error.message)",
                underlying: error
            )
        }
        let answer: Result<CheckoutCreateAnswer<CheckoutSession>, CheckoutTaskError>
        do {
            answer = .success(try await self.negotiatedCreate(run, generation: generation, lock: lock, log: &log))
        } catch {
            answer = .failure(error)
        }
        await self.task.client.releaseLock(lock)
        return try answer.get()
    }

    /// The generation's create, under its lock.
    private func negotiatedCreate(
        _ run: CheckoutRun,
        generation: Int,
        lock: IdempotencyKey,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutCreateAnswer<CheckoutSession> {
        if let kept = try await self.keptCreate(run, generation: generation, log: log), let anchor = kept.anchor {
            guard let current = try await self.read(anchor, log: log) else { throw log.anchorLost(anchor.id) }
            return .created(anchor, current)
        }
        let unfinished = try await self.unfinishedCreate(run, generation: generation, log: log)
        var negotiator = ACPVersionNegotiator(start: await self.startingPoint(resuming: unfinished))
        var decision = negotiator.first()
        while true {
            switch decision {
            case .unsupported(let mismatch):
                return .outcome(self.unsupported(mismatch, log: log))
            case .finish:
                throw log.error(.merchant, "the version negotiation ended before any create was sent")
            case .send(let version, let probing):
                do {
                    try await self.task.client.renewLock(lock)
                } catch {
                    throw log.error(.inProgressElsewhere, "the create's lock was lost: \(error.message)")
                }
                let attempt = await self.sendCreate(
                    run,
                    generation: generation,
                    version: version,
                    probing: probing,
                    log: &log
                )
                let (answer, said) = Self.answer(attempt, version: version)
                decision = negotiator.received(answer, for: version, said: said)
                guard decision == .finish else { continue }
                log.apiVersion = version
                switch attempt.result {
                case .success(let response): return try await self.created(response, version: version, log: log)
                case .failure(let error): return .outcome(try log.settle(error, step: "create"))
                }
            }
        }
    }

    /// Sends the create in `version`. `probing` (the version is a guess), a 5xx is re-sent once under
    /// the same key (a merchant that committed replays the result) and then taken as the version's
    /// answer; a transport failure is resumed under the same key with the client's own retries.
    func sendCreate(
        _ run: CheckoutRun,
        generation: Int,
        version: ACPVersion,
        probing: Bool,
        log: inout CheckoutLog
    ) async -> CreateAttempt {
        let client = self.acp.speaking(version)
        let intent = self.createIntent(run, generation: generation, version: version)
        let body = self.createBody(run, generation: generation, version: version)
        let anchor: @Sendable (HTTPResponse) -> String? = { (try? JSONValue(parsing: $0.body))?["id"]?.stringValue }
        if probing {
            // What each attempt got: a status, or nil until one arrives (a lost answer stays nil).
            let statuses = Mutex<[Int?]>([])
            let hook = self.task.client.configuration.onEvent
            let single = IdempotentClient(sibling: self.acp.client, policy: Self.probe(self.acp.client)) { event in
                switch event {
                case .persistedBeforeSending: statuses.withLock { $0.append(nil) }
                case .responseReceived(_, _, let status):
                    statuses.withLock { if !$0.isEmpty { $0[$0.count - 1] = status } }
                }
                await hook?(event)
            }
            do {
                let response = try await client.post(
                    "/checkout_sessions",
                    body: body,
                    intent: intent,
                    anchor: anchor,
                    through: single
                )
                return await self.noted(response, log: &log)
            } catch {
                // Only a create every attempt of which was answered with a 5xx is a version's
                // answer: one whose answer was lost may have opened a session, and is resumed.
                let answered = statuses.withLock { $0 }
                let status = answered.last ?? nil
                if let status, status >= 500, error.isPending, answered.allSatisfy({ ($0 ?? 0) >= 500 }) {
                    log.note(error)
                    return CreateAttempt(result: .failure(error), serverError: status)
                }
                if !error.isPending {
                    log.note(error)
                    return CreateAttempt(result: .failure(error))
                }
            }
        }
        do {
            let response = try await client.post("/checkout_sessions", body: body, intent: intent, anchor: anchor)
            return await self.noted(response, log: &log)
        } catch {
            log.note(error)
            return CreateAttempt(result: .failure(error))
        }
    }

    private func noted(_ response: ACPResponse<CheckoutSession>, log: inout CheckoutLog) async -> CreateAttempt {
        log.note(response.call)
        await self.task.emit(.step("create", status: response.status))
        return CreateAttempt(result: .success(response))
    }

    /// The client's policy with two attempts: one re-send under the same key.
    static func probe(_ client: IdempotentClient) -> RetryPolicy {
        let policy = client.configuration.policy
        return
            (try? RetryPolicy(
                maximumAttempts: min(2, policy.maximumAttempts),
                initialBackoff: policy.initialBackoff,
                backoffMultiplier: policy.backoffMultiplier,
                maximumBackoff: policy.maximumBackoff,
                deadline: policy.deadline,
                retryAfterCap: policy.retryAfterCap
            )) ?? policy
    }

    /// The negotiator's reading of a create's answer, and the answer in words.
    static func answer(_ attempt: CreateAttempt, version: ACPVersion) -> (ACPVersionNegotiator.Answer, String) {
        if let status = attempt.serverError { return (.serverError, "\(status) to API-Version \(version)") }
        guard case .failure(let error) = attempt.result, error.code == .rejected, let status = error.status else {
            return (.final, "")
        }
        let body = error.body
        let code =
            CheckoutRefusal.code(body) ?? (body?.isValidationError == true ? "validation error" : "no error code")
        var said = "\(status) \(code)"
        if let field = body?.fields.first?.path ?? body?.param { said += " at \(field)" }
        if CheckoutRefusal.refusesVersion(status: status, body: body) {
            let supported = body?.supportedVersions.compactMap(ACPVersion.init(validating:)) ?? []
            return (.versionRefused(supported: supported), said)
        }
        if CheckoutRefusal.refusesShape(status: status, body: body) { return (.shapeRefused, said) }
        if status >= 500 { return (.serverError, said) }
        return (.final, said)
    }

    /// The created session, anchored; the merchant's version kept for the next task.
    private func created(
        _ response: ACPResponse<CheckoutSession>,
        version: ACPVersion,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutCreateAnswer<CheckoutSession> {
        let session = response.body
        guard !session.id.isEmpty else { throw log.error(.merchant, "the merchant created a session without an id") }
        if self.override == nil,
            (try? await self.task.client.latestNote(self.versionNote, profile: .acp)) != version.rawValue
        {
            try? await self.task.client.writeNote(version.rawValue, for: self.versionNote, profile: .acp)
        }
        return .created(CheckoutAnchor(id: session.id, apiVersion: version, created: session), session)
    }

    /// No version in common: what each side speaks and what each version got.
    func unsupported(_ mismatch: ACPVersionMismatch, log: CheckoutLog) -> CheckoutOutcome {
        let merchant = mismatch.merchantVersions.map(\.rawValue).joined(separator: ", ")
        let tried = mismatch.attempts.map { "\($0.version): \($0.answer)" }.joined(separator: "; ")
        var outcome = log.outcome(
            .unsupportedVersion,
            reason:
                "no ACP version in common: the merchant speaks \(merchant.isEmpty ? "(it did not say)" : merchant), "
                + "this client \(mismatch.clientVersions.map(\.rawValue).joined(separator: ", "))"
                + (tried.isEmpty ? "" : "; tried \(tried)")
        )
        outcome.versionMismatch = mismatch
        return outcome
    }
}
