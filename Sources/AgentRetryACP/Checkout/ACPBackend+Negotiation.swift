import AgentRetry

extension ACPBackend {
    /// The lock of a generation's create: one per task, merchant and generation.
    func createLock(_ run: CheckoutRun, generation: Int) -> IdempotencyIntent {
        IdempotencyIntent(
            namespace: self.task.configuration.namespace,
            operation: "acp.checkout_session.create_lock",
            inputs: [
                "merchant": .string(self.acp.configuration.baseURL), "task_id": .string(run.taskID),
                "generation": .number(Double(generation)),
            ]
        )
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
}
