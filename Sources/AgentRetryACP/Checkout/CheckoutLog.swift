import AgentRetry

/// What one invocation of a checkout task did, gathered into its outcome or its error.
package struct CheckoutLog: Sendable {
    let taskID: String
    /// Puts the anchor where the backend's outcomes carry it.
    let placeAnchor: @Sendable (inout CheckoutOutcome, String?) -> Void
    var generation = 0
    var anchor: String?
    var apiVersion: ACPVersion?
    var keys: [IdempotencyKey] = []
    var attempts = 0
    var replayed = false
    var fromStore = true

    init(taskID: String, placeAnchor: @escaping @Sendable (inout CheckoutOutcome, String?) -> Void) {
        self.taskID = taskID
        self.placeAnchor = placeAnchor
    }

    /// Records a POST's idempotent call.
    mutating func note(_ call: IdempotentResult) {
        if !self.keys.contains(call.key) { self.keys.append(call.key) }
        self.attempts += call.attempts
        self.replayed = self.replayed || call.replayed
        self.fromStore = self.fromStore && call.fromStore
    }

    /// Records a step whose result was found kept in the store.
    mutating func noteKept(_ record: IdempotencyRecord) {
        if !self.keys.contains(record.key) { self.keys.append(record.key) }
        self.attempts += record.attempts
    }

    /// Records a POST that ended in an error, from the idempotent call's error.
    mutating func note(_ failure: some CheckoutStepFailure) {
        if let call = failure.call {
            self.note(call)
            return
        }
        guard let callError = failure.idempotentCallError, let key = callError.key else { return }
        if !self.keys.contains(key) { self.keys.append(key) }
        self.attempts += callError.attempts
        self.fromStore = false
    }

    func outcome(
        _ status: CheckoutOutcome.Status,
        session: CheckoutSession? = nil,
        messages: [ACPMessage] = [],
        reason: String? = nil
    ) -> CheckoutOutcome {
        var outcome = CheckoutOutcome(status: status, taskID: self.taskID, generation: self.generation)
        self.placeAnchor(&outcome, self.anchor)
        outcome.session = session
        outcome.order = status == .completed ? session?.order : nil
        outcome.messages = messages
        outcome.reason = reason
        outcome.idempotencyKeys = self.keys
        outcome.attempts = self.attempts
        outcome.replayed = self.replayed
        outcome.fromStore = self.fromStore
        outcome.apiVersion = self.apiVersion
        return outcome
    }

    func error(_ code: CheckoutTaskError.Code, _ message: String, underlying: (any Error)? = nil) -> CheckoutTaskError {
        CheckoutTaskError(
            code: code,
            message: message,
            generation: self.generation,
            anchor: self.anchor,
            idempotencyKeys: self.keys,
            underlying: underlying
        )
    }
}
