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
    func create(
        _ run: CheckoutRun,
        generation: Int,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutCreateAnswer<CheckoutSession> {
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

    /// What is known of the merchant's version before sending: a create of this generation whose
    /// outcome is unknown (resumed first, whatever else is known), the override, the version an
    /// earlier task kept, the discovery document, else nothing.
    func startingPoint(resuming unfinished: ACPVersionNegotiator.Start?) async -> ACPVersionNegotiator.Start {
        if let unfinished { return unfinished }
        if let override { return .override(override) }
        if let noted = try? await self.task.client.latestNote(self.versionNote, profile: .acp),
            let version = ACPVersion(validating: noted)
        {
            return .stored(version)
        }
        if let versions = await self.acp.discoveredVersions() { return .discovered(versions) }
        return .unknown
    }

    /// A create of this generation whose outcome is unknown, if an earlier invocation left one: it
    /// may have opened a session. One prepared or in flight (killed before it heard the answer) is
    /// resumed with every retry; else one left pending (after 5xx or lost answers) is probed again
    /// under its key, as a kept version is.
    func unfinishedCreate(
        _ run: CheckoutRun,
        generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> ACPVersionNegotiator.Start? {
        var pending: ACPVersion?
        for version in self.candidateVersions {
            let intent = self.createIntent(run, generation: generation, version: version)
            guard let record = try await self.task.storedRecord(intent, profile: .acp, log: log),
                !record.state.isFinished
            else { continue }
            if record.state != .pending { return .resume(version) }
            pending = pending ?? version
        }
        return pending.map { .stored($0) }
    }

    /// The note of the merchant's version: one intent per namespace and merchant.
    var versionNote: IdempotencyIntent {
        IdempotencyIntent(
            namespace: self.task.configuration.namespace,
            operation: Self.versionNoteOperation,
            inputs: ["merchant": .string(self.acp.configuration.baseURL)]
        )
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
            let statuses = Mutex<[Int]>([])
            let hook = self.task.client.configuration.onEvent
            let single = IdempotentClient(sibling: self.acp.client, policy: Self.probe(self.acp.client)) { event in
                if case .responseReceived(_, _, let status) = event { statuses.withLock { $0.append(status) } }
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
                let status = statuses.withLock { $0.last }
                if let status, status >= 500, error.isPending {
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
