import AgentRetry
import AgentRetryACP

extension CheckoutReport {
    /// The report of a refund task's outcome. Exit codes: `succeeded` and `processing` 0, `failed`
    /// 10, `rejected` 12, `pending` 20.
    init(refund outcome: StripeRefundOutcome) {
        self.json = [
            "task_id": .string(outcome.taskID),
            "status": .string(outcome.status.rawValue),
            "refund_id": outcome.refundID.map(JSONValue.string) ?? .null,
            "refund_status": outcome.refundStatus.map(JSONValue.string) ?? .null,
            "payment_intent_id": .string(outcome.paymentIntentID),
            "amount": .number(Double(outcome.amount)),
            "currency": outcome.currency.map(JSONValue.string) ?? .null,
            "reason": outcome.reason.map(JSONValue.string) ?? .null,
            "rejection": outcome.rejection.map(Self.json) ?? .null,
            "idempotency_keys": .array(outcome.idempotencyKey.map { [.string($0.rawValue)] } ?? []),
            "attempts": .number(Double(outcome.attempts)),
            "replayed": .bool(outcome.replayed),
            "from_store": .bool(outcome.fromStore),
        ]
        self.exitCode =
            switch outcome.status {
            case .succeeded, .processing: 0
            case .rejected: 12
            case .pending: 20
            default: 10
            }
    }

    /// The report of a refund task that came to no outcome, with the checkout's statuses and exit
    /// codes (`conflict` 30, `needs_reconciliation` 40, `in_progress_elsewhere` 50, `usage` 2,
    /// `error` 1).
    init(refundError error: StripeRefundError, call: MCPRefundCall) {
        let (status, code): (String, Int32) =
            switch error.code {
            case .conflict: ("conflict", 30)
            case .needsReconciliation: ("needs_reconciliation", 40)
            case .inProgressElsewhere: ("in_progress_elsewhere", 50)
            case .invalidArgument: ("usage", 2)
            default: ("error", 1)
            }
        self.json = [
            "task_id": .string(call.taskID),
            "status": .string(status),
            "error": .string(error.code.description),
            "message": .string(error.message),
            "payment_intent_id": .string(call.paymentIntent),
            "amount": .number(Double(call.amount)),
            "http_status": error.status.map { .number(Double($0)) } ?? .null,
            "idempotency_keys": .array(error.idempotencyKey.map { [.string($0.rawValue)] } ?? []),
        ]
        self.exitCode = code
    }
}
