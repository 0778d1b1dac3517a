import AgentRetry

extension CheckoutLog {
    /// A step that ended without a resource: an outcome when the merchant's answer says what it
    /// is (pending, a refusal read by its code), else the task's error.
    func settle(_ failure: some CheckoutStepFailure, step: String) throws(CheckoutTaskError) -> CheckoutOutcome {
        if failure.isPending {
            return self.outcome(
                .pending,
                reason: "the outcome of \(step) is unknown after the retries; run the task again to resume it"
            )
        }
        if failure.isInFlight {
            return self.outcome(
                .pending,
                reason:
                    "the merchant is still processing \(step) or asked to wait; run the task again later to resume it"
            )
        }
        if let status = failure.status, status == 401 || status == 403 {
            throw self.error(
                .merchant,
                "\(step) was refused: the merchant did not accept the API key (\(status))",
                underlying: failure
            )
        }
        guard failure.isRefusal, let status = failure.status else { throw self.error(from: failure) }
        return self.refused(step: step, status: status, body: failure.body, apiVersion: failure.apiVersion)
    }

    /// The outcome of a definitive 4xx refusal, with the merchant's code, message and fields.
    func refused(step: String, status: Int, body: ErrorResponseBody?, apiVersion: ACPVersion?) -> CheckoutOutcome {
        let rejection = CheckoutRejection(step: step, status: status, body: body, apiVersion: apiVersion)
        let kind = CheckoutRefusal.status(status: status, body: body)
        var outcome = self.outcome(kind, reason: "\(step) was refused: \(rejection.summary)")
        outcome.rejection = rejection
        return outcome
    }

    /// The task error for a failed call that is not a merchant answer the task can act on.
    func error(from failure: some CheckoutStepFailure) -> CheckoutTaskError {
        guard let callError = failure.idempotentCallError else {
            return self.error(.merchant, failure.message, underlying: failure)
        }
        let leaseLost = (callError.underlying as? IdempotencyStoreError)?.code == .leaseLost
        let code: CheckoutTaskError.Code =
            switch callError.code {
            case .needsReconciliation: .needsReconciliation
            case .inProgressElsewhere: .inProgressElsewhere
            case .store where leaseLost: .inProgressElsewhere
            case .store, .keyDerivation: .store
            case .payloadMismatch, .bodyChanged, .targetChanged, .credentialsChanged: .conflict
            case .invalidRequest: .invalidConfiguration
            default: .merchant
            }
        let message =
            switch callError.code {
            case .bodyChanged:
                "task \(self.taskID) was started with another cart or another step body; "
                    + "a different purchase needs another task id"
            case .targetChanged, .credentialsChanged: "task \(self.taskID): \(callError.message)"
            default: callError.message
            }
        return self.error(code, message, underlying: callError)
    }

    /// The anchored session or PaymentIntent is unknown to the merchant (404): whether it was paid
    /// cannot be told, so no new generation is started; the caller must look it up.
    func anchorLost(_ anchor: String) -> CheckoutTaskError {
        self.error(
            .needsReconciliation,
            "the merchant no longer knows \(anchor), the task's anchor (404); "
                + "find out whether it was paid before starting anew"
        )
    }
}
