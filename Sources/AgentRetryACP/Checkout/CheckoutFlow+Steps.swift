import AgentRetry

extension CheckoutFlow {
    /// Takes an anchored resource from its phase to an outcome: advance it (update, complete,
    /// confirm) while the backend can, settle it while a step is in flight.
    func drive(
        _ initial: Backend.Resource,
        anchor: CheckoutAnchor<Backend.Resource>,
        run: CheckoutRun,
        log: inout CheckoutLog
    ) async throws(CheckoutTaskError) -> Driven {
        var resource = initial
        // Each round ends the task or advances it; the bound keeps a merchant that keeps
        // refusing from looping.
        for _ in 0..<5 {
            if let driven = self.settled(resource, anchor: anchor, run: run, log: log) { return driven }
            if case .inProgress = self.backend.phase(of: resource, anchor: anchor, run: run) {
                return try await self.settle(anchor, run: run, log: log)
            }
            switch try await self.backend.advance(resource, anchor: anchor, run: run, log: &log) {
            case .advanced(let next): resource = next
            case .settle: return try await self.settle(anchor, run: run, log: log)
            case .outcome(let outcome): return .outcome(outcome)
            }
        }
        return .outcome(
            log.outcome(
                .needsInput,
                session: self.backend.session(of: resource),
                reason: "the merchant kept refusing the task's steps"
            )
        )
    }

    /// The outcome a phase is on its own (completed, canceled, expired, declined, needs input), or
    /// `nil` when the resource needs a step or is in progress.
    func settled(
        _ resource: Backend.Resource,
        anchor: CheckoutAnchor<Backend.Resource>,
        run: CheckoutRun,
        log: CheckoutLog
    ) -> Driven? {
        let session = self.backend.session(of: resource)
        switch self.backend.phase(of: resource, anchor: anchor, run: run) {
        case .completed: return .outcome(log.outcome(.completed, session: session))
        case .canceled: return .newGeneration(.canceled)
        case .expired: return .newGeneration(.expired)
        case .declined(let messages): return .outcome(Self.declined(log: log, session: session, messages: messages))
        case .needsInput(let reason, let messages):
            return .outcome(log.outcome(.needsInput, session: session, messages: messages, reason: reason))
        case .needsUpdate, .readyToPay, .inProgress: return nil
        }
    }

    /// Reads the resource, never sending a step again, until it settles or the deadline passes.
    func settle(
        _ anchor: CheckoutAnchor<Backend.Resource>,
        run: CheckoutRun,
        log: CheckoutLog
    ) async throws(CheckoutTaskError) -> Driven {
        await self.task.emit(.polling(anchor.id))
        var schedule = self.task.pollSchedule()
        var last: Backend.Resource?
        repeat {
            // An unreachable merchant is read again until the deadline; a 404 ends the poll.
            let found: Backend.Resource?
            do { found = try await self.backend.read(anchor, log: log) } catch { continue }
            guard let resource = found else { throw log.anchorLost(anchor.id) }
            last = resource
            switch self.backend.phase(of: resource, anchor: anchor, run: run) {
            case .completed, .canceled, .expired, .declined:
                if let driven = self.settled(resource, anchor: anchor, run: run, log: log) { return driven }
            default: break
            }
        } while await self.task.waitBeforePoll(&schedule)
        return .outcome(
            log.outcome(
                .pending,
                session: last.flatMap(self.backend.session(of:)),
                reason: "the payment step is still in flight or its outcome unknown after "
                    + "\(self.task.configuration.settleDeadline); run the task again to resume it"
            )
        )
    }

    /// A declined outcome: terminal for the credential.
    static func declined(log: CheckoutLog, session: CheckoutSession?, messages: [ACPMessage]) -> CheckoutOutcome {
        log.outcome(
            .declined,
            session: session,
            messages: messages,
            reason: "the payment credential was declined; a new credential is a new intent"
        )
    }
}
