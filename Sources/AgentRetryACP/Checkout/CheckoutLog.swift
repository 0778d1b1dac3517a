import AgentRetry

/// What one invocation of a checkout task did, gathered into its outcome or its error.
struct CheckoutLog: Sendable {
    let taskID: String
    /// Whether the anchor is a Stripe PaymentIntent id (else an ACP checkout_session_id).
    let stripe: Bool
    var generation = 0
    var anchor: String?
    var keys: [IdempotencyKey] = []
    var attempts = 0
    var replayed = false
    var fromStore = true

    init(taskID: String, stripe: Bool) {
        self.taskID = taskID
        self.stripe = stripe
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
    mutating func note(_ error: ACPClientError) {
        if let call = error.call {
            self.note(call)
            return
        }
        guard let callError = error.idempotentCallError, let key = callError.key else { return }
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
        if self.stripe { outcome.paymentIntentID = self.anchor } else { outcome.checkoutSessionID = self.anchor }
        outcome.session = session
        outcome.order = status == .completed ? session?.order : nil
        outcome.messages = messages
        outcome.reason = reason
        outcome.idempotencyKeys = self.keys
        outcome.attempts = self.attempts
        outcome.replayed = self.replayed
        outcome.fromStore = self.fromStore
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

    /// The task error for a failed call that is not a merchant answer the task can act on.
    func error(from failure: ACPClientError) -> CheckoutTaskError {
        if let callError = failure.idempotentCallError {
            let leaseLost = (callError.underlying as? IdempotencyStoreError)?.code == .leaseLost
            let code: CheckoutTaskError.Code =
                switch callError.code {
                case .needsReconciliation: .needsReconciliation
                case .inProgressElsewhere: .inProgressElsewhere
                case .store where leaseLost: .inProgressElsewhere
                case .store, .keyDerivation: .store
                default: .conflict
                }
            let message =
                callError.code == .bodyChanged
                ? "task \(self.taskID) was started with another cart or another step body; "
                    + "a different purchase needs another task id"
                : callError.message
            return self.error(code, message, underlying: callError)
        }
        if failure.code == .conflict { return self.error(.conflict, failure.message, underlying: failure) }
        return self.error(.merchant, failure.message, underlying: failure)
    }
}
