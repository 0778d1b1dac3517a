import AgentRetry

/// The one checkout flow, over any ``CheckoutBackend``: generations, the anchor, the cart
/// conflict, a credential declined earlier, and settling by reading the resource (never by
/// sending a step again).
struct CheckoutFlow<Backend: CheckoutBackend>: Sendable {
    /// What driving an anchored resource led to.
    enum Driven {
        case outcome(CheckoutOutcome)
        case newGeneration(CheckoutOutcome.Status)
    }

    let backend: Backend
    let task: CheckoutTask

    var maximumGenerations: Int { self.task.configuration.maximumGenerations }

    /// Runs (or resumes) the task to an outcome.
    func run(_ run: CheckoutRun) async throws(CheckoutTaskError) -> CheckoutOutcome {
        var log = CheckoutLog(taskID: run.taskID) { outcome, anchor in Backend.place(anchor, in: &outcome) }
        var (generation, resumed) = try await self.latestGeneration(run, log: log)
        await self.task.emit(.generation(generation, resumed: resumed))
        while true {
            log.generation = generation
            log.anchor = nil
            log.apiVersion = nil
            if let declined = try await self.declinedEarlier(run, before: generation, log: log) { return declined }
            let kept = try await self.backend.keptCreate(run, generation: generation, log: log)
            if let kept, kept.record.state == .failed, kept.record.anchor == nil, !kept.sameCart {
                // The merchant refused this generation's create, so nothing exists: a corrected
                // cart starts the next generation.
                guard generation + 1 < self.maximumGenerations else {
                    return log.outcome(
                        .needsInput,
                        reason: "create was refused and the task has used its \(self.maximumGenerations) generations"
                    )
                }
                generation += 1
                await self.task.emit(.generation(generation, resumed: false))
                continue
            }
            let anchored: (CheckoutAnchor<Backend.Resource>, Backend.Resource)
            if let kept, kept.record.state == .succeeded, let anchor = kept.anchor {
                switch try await self.resume(run, kept: kept, anchor: anchor, log: &log) {
                case .left(let outcome): return outcome
                case .right(let current): anchored = (anchor, current)
                }
            } else {
                switch try await self.create(run, generation: generation, log: &log) {
                case .outcome(let outcome): return outcome
                case .created(let anchor, let current): anchored = (anchor, current)
                }
            }
            switch try await self.drive(anchored.1, anchor: anchored.0, run: run, log: &log) {
            case .outcome(let outcome):
                return outcome
            case .newGeneration(let status):
                if generation + 1 >= self.maximumGenerations,
                    let declined = try await self.declinedEarlier(run, before: generation + 1, log: log)
                {
                    return declined
                }
                guard generation + 1 < self.maximumGenerations else {
                    return log.outcome(
                        status,
                        reason: "the session was \(status) and the task has used its "
                            + "\(self.maximumGenerations) generations"
                    )
                }
                generation += 1
                await self.task.emit(.generation(generation, resumed: false))
            }
        }
    }

    /// An anchor an earlier invocation kept: the same cart, else a conflict; a completion kept in
    /// the store answers with no request; else the resource as it is now.
    private func resume(
        _ run: CheckoutRun,
        kept: CheckoutKeptCreate<Backend.Resource>,
        anchor: CheckoutAnchor<Backend.Resource>,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> Either<CheckoutOutcome, Backend.Resource> {
        // An earlier invocation anchored this generation: never create again while it is valid.
        guard kept.sameCart else {
            throw log.error(
                .conflict,
                "task \(run.taskID) was started with another cart; a different purchase needs another task id"
            )
        }
        log.anchor = anchor.id
        log.apiVersion = anchor.apiVersion
        log.noteKept(kept.record)
        await self.task.emit(.anchored(anchor.id, generation: log.generation, resumed: true))
        if let done = try await self.backend.keptCompletion(anchor, run: run, log: log), case .completed = done.verdict
        {
            log.noteKept(done.record)
            return .left(log.outcome(.completed, session: done.resource.flatMap(self.backend.session(of:))))
        }
        guard let current = try await self.backend.read(anchor, log: log) else { throw log.anchorLost(anchor.id) }
        return .right(current)
    }

    /// Creates the generation's resource; a create answered with an id the task already held as
    /// an anchor is a replay, whatever the headers said.
    private func create(
        _ run: CheckoutRun,
        generation: Int,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> CheckoutCreateAnswer<Backend.Resource> {
        let answer = try await self.backend.create(run, generation: generation, log: &log)
        guard case .created(let anchor, _) = answer else { return answer }
        if try await self.heldAnchors(run, before: generation, log: log).contains(anchor.id) { log.replayed = true }
        log.anchor = anchor.id
        log.apiVersion = anchor.apiVersion
        await self.task.emit(.anchored(anchor.id, generation: generation, resumed: false))
        return answer
    }
}
