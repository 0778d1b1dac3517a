import AgentRetry

/// ACP checkout sessions over HTTP, in the version each session was created with: create
/// (negotiating the version), update to select the cart's fulfilment option, complete; every
/// read a safe GET of the session.
struct ACPBackend: CheckoutBackend {
    static let createOperation = "acp.checkout_session.create"
    /// The operation of the note that keeps a merchant's version.
    static let versionNoteOperation = "acp.merchant_version"

    let task: CheckoutTask
    /// The client as configured; each call speaks the version of its session.
    let acp: ACPClient
    /// The version the caller chose, if any.
    let override: ACPVersion?

    static func place(_ anchor: String?, in outcome: inout CheckoutOutcome) { outcome.checkoutSessionID = anchor }

    func session(of resource: CheckoutSession) -> CheckoutSession? { resource }

    /// The versions a task's create may have been sent in: the override first, then every release.
    var candidateVersions: [ACPVersion] {
        var versions = self.override.map { [$0] } ?? []
        for version in ACPVersion.released where !versions.contains(version) { versions.append(version) }
        return versions
    }

    /// The create intent of a generation in `version`: the task id at this merchant; the version
    /// among the inputs for every version but 2026-04-17, whose keys stay those of earlier releases.
    func createIntent(_ run: CheckoutRun, generation: Int, version: ACPVersion) -> IdempotencyIntent {
        var inputs: [String: JSONValue] = [
            "task_id": .string(run.taskID), "merchant": .string(self.acp.configuration.baseURL),
        ]
        if version != .v2026_04_17 { inputs["api_version"] = .string(version.rawValue) }
        return IdempotencyIntent(
            namespace: self.task.configuration.namespace,
            operation: Self.createOperation,
            inputs: .object(inputs),
            generation: generation
        )
    }

    /// The create body of a generation, encoded for `version`.
    func createBody(_ run: CheckoutRun, generation: Int, version: ACPVersion) -> JSONValue {
        CheckoutTask.createRequest(cart: run.cart, taskID: run.taskID, generation: generation).encoded(for: version)
    }

    func keptCreate(
        _ run: CheckoutRun,
        generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutKeptCreate<CheckoutSession>? {
        var first: CheckoutKeptCreate<CheckoutSession>?
        for version in self.candidateVersions {
            let intent = self.createIntent(run, generation: generation, version: version)
            guard let record = try await self.task.storedRecord(intent, profile: .acp, log: log) else { continue }
            let body = self.createBody(run, generation: generation, version: version)
            let sameCart = record.requestFingerprint.body == (try? RequestFingerprint.json(body))
            // The version whose create record holds the anchor is the version of the session.
            if record.state == .succeeded, let id = record.anchor, let bytes = record.outcome?.body,
                let created = try? CheckoutSession(parsing: bytes)
            {
                let anchor = CheckoutAnchor(id: id, apiVersion: version, created: created)
                return CheckoutKeptCreate(record: record, anchor: anchor, sameCart: sameCart)
            }
            if first == nil { first = CheckoutKeptCreate(record: record, anchor: nil, sameCart: sameCart) }
        }
        return first
    }

    /// The client speaking the version `anchor` was created in.
    func client(for anchor: CheckoutAnchor<CheckoutSession>) -> ACPClient {
        self.acp.speaking(anchor.apiVersion ?? self.acp.version)
    }

    func read(
        _ anchor: CheckoutAnchor<CheckoutSession>,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutSession? {
        do {
            let session = try await self.client(for: anchor).retrieve(anchor.id)
            await self.task.emit(.step("retrieve", status: 200))
            return session
        } catch {
            if error.code == .rejected && error.status == 404 { return nil }
            throw log.error(
                .merchant,
                "retrieving checkout session \(anchor.id) failed: \(error.message)",
                underlying: error
            )
        }
    }

    func phase(
        of session: CheckoutSession,
        anchor: CheckoutAnchor<CheckoutSession>,
        run: CheckoutRun
    ) -> CheckoutPhase {
        switch session.status {
        case .completed: return .completed
        case .canceled: return .canceled
        case .expired: return .expired
        case .completeInProgress: return .inProgress
        default: break
        }
        if let wanted = run.cart.fulfillmentOptionID, !session.selectedFulfillmentOptionIDs.contains(wanted) {
            guard session.fulfillmentOptions.contains(where: { $0.id == wanted }) else {
                return .needsInput(
                    "the merchant does not offer fulfillment option \(wanted) for this session",
                    session.messages
                )
            }
            return .needsUpdate
        }
        if session.status == .readyForPayment || session.status == .authenticationRequired { return .readyToPay }
        return .needsInput(
            "the session is \(session.status): the merchant's messages say what it needs",
            session.messages
        )
    }
}
