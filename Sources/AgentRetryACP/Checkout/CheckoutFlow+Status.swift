import AgentRetry

extension CheckoutFlow {
    /// What the store holds of `run`'s task (see ``CheckoutTask/storedStatus(taskID:cart:paymentToken:)``);
    /// the completion is looked up only when `completion` (the run carries the credential).
    func storedStatus(_ run: CheckoutRun, completion: Bool) async throws(CheckoutTaskError) -> CheckoutStoredStatus {
        let log = CheckoutLog(taskID: run.taskID) { outcome, anchor in Backend.place(anchor, in: &outcome) }
        let (generation, started) = try await self.latestGeneration(run, log: log)
        var status = CheckoutStoredStatus(taskID: run.taskID, state: .notStarted, generation: generation)
        guard started, let kept = try await self.backend.keptCreate(run, generation: generation, log: log) else {
            return status
        }
        status.idempotencyKeys = [kept.record.key]
        status.attempts = kept.record.attempts
        guard let anchor = kept.anchor else {
            status.state = kept.record.state == .failed ? .createRefused : .creating
            return status
        }
        var placed = CheckoutOutcome(status: .pending, taskID: run.taskID, generation: generation)
        Backend.place(anchor.id, in: &placed)
        status.checkoutSessionID = placed.checkoutSessionID
        status.paymentIntentID = placed.paymentIntentID
        status.apiVersion = anchor.apiVersion
        status.state = .anchored
        guard completion, let done = try await self.backend.keptCompletion(anchor, run: run, log: log) else {
            return status
        }
        status.idempotencyKeys.append(done.record.key)
        status.attempts += done.record.attempts
        switch done.verdict {
        case .completed:
            status.state = .completed
            status.orderID = done.resource.flatMap(self.backend.session(of:))?.order?.id
        case .declined: status.state = .declined
        case .other: break
        }
        return status
    }
}
