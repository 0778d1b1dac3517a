import AgentRetry

extension CheckoutFlow {
    /// The latest generation an earlier invocation started (its create record exists), or 0.
    func latestGeneration(_ run: CheckoutRun, log: CheckoutLog) async throws(CheckoutTaskError) -> (Int, Bool) {
        var latest: Int?
        for generation in 0..<self.maximumGenerations {
            guard try await self.backend.keptCreate(run, generation: generation, log: log) != nil else { break }
            latest = generation
        }
        return (latest ?? 0, latest != nil)
    }

    /// `declined` when this credential was declined on the resource of a generation before
    /// `generation`: a decline is terminal for the credential, so it is not sent again.
    func declinedEarlier(
        _ run: CheckoutRun,
        before generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutOutcome? {
        for earlier in 0..<generation {
            guard let anchor = try await self.backend.keptCreate(run, generation: earlier, log: log)?.anchor,
                let kept = try await self.backend.keptCompletion(anchor, run: run, log: log),
                case .declined(let messages) = kept.verdict
            else { continue }
            var log = log
            log.generation = earlier
            log.anchor = anchor.id
            log.apiVersion = anchor.apiVersion
            let session = kept.resource.flatMap(self.backend.session(of:))
            var outcome = Self.declined(log: log, session: session, messages: messages)
            outcome.reason = "this credential was declined on generation \(earlier); a new credential is a new intent"
            return outcome
        }
        return nil
    }

    /// The anchors of the task's earlier generations.
    func heldAnchors(
        _ run: CheckoutRun,
        before generation: Int,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> Set<String> {
        var anchors: Set<String> = []
        for earlier in 0..<generation {
            if let anchor = try await self.backend.keptCreate(run, generation: earlier, log: log)?.record.anchor {
                anchors.insert(anchor)
            }
        }
        return anchors
    }
}
