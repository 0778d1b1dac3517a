import AgentRetry
import AgentRetryACP

/// What `agent-retry checkout` prints, and its exit code.
struct CheckoutReport {
    var json: JSONValue
    let exitCode: Int32

    init(outcome: CheckoutOutcome) {
        self.json = [
            "task_id": .string(outcome.taskID),
            "status": .string(outcome.status.rawValue),
            "order_id": outcome.orderID.map(JSONValue.string) ?? .null,
            "payment_intent_id": outcome.paymentIntentID.map(JSONValue.string) ?? .null,
            "checkout_session_id": outcome.checkoutSessionID.map(JSONValue.string) ?? .null,
            "generation": .number(Double(outcome.generation)),
            "idempotency_keys": .array(outcome.idempotencyKeys.map { .string($0.rawValue) }),
            "attempts": .number(Double(outcome.attempts)),
            "replayed": .bool(outcome.replayed),
            "from_store": .bool(outcome.fromStore),
            "reason": outcome.reason.map(JSONValue.string) ?? .null,
            "messages": .array(outcome.messages.map(\.acpJSON)),
            "api_version": outcome.apiVersion.map { .string($0.rawValue) } ?? .null,
            "rejection": outcome.rejection.map(Self.json) ?? .null,
            "versions": outcome.versionMismatch.map(Self.json) ?? .null,
        ]
        self.exitCode = Self.exitCode(of: outcome.status)
    }

    /// The exit code of an outcome's status (Documentation/CLI.md).
    static func exitCode(of status: CheckoutOutcome.Status) -> Int32 {
        switch status {
        case .completed: 0
        case .needsInput: 11
        case .rejected: 12
        case .unsupportedVersion: 13
        case .pending: 20
        default: 10
        }
    }

    static func json(_ rejection: CheckoutRejection) -> JSONValue {
        [
            "step": .string(rejection.step),
            "http_status": .number(Double(rejection.status)),
            "code": rejection.code.map(JSONValue.string) ?? .null,
            "message": rejection.message.map(JSONValue.string) ?? .null,
            "fields": .array(
                rejection.fields.map { field in
                    [
                        "path": .string(field.path), "type": field.type.map(JSONValue.string) ?? .null,
                        "message": field.message.map(JSONValue.string) ?? .null,
                    ]
                }
            ),
            "api_version": rejection.apiVersion.map { .string($0.rawValue) } ?? .null,
        ]
    }

    static func json(_ mismatch: ACPVersionMismatch) -> JSONValue {
        [
            "client": .array(mismatch.clientVersions.map { .string($0.rawValue) }),
            "merchant": .array(mismatch.merchantVersions.map { .string($0.rawValue) }),
            "tried": .array(
                mismatch.attempts.map { attempt in
                    ["api_version": .string(attempt.version.rawValue), "answer": .string(attempt.answer)]
                }
            ),
        ]
    }

    init(error: CheckoutTaskError, taskID: String) {
        let (status, code): (String, Int32) =
            switch error.code {
            case .conflict: ("conflict", 30)
            case .needsReconciliation: ("needs_reconciliation", 40)
            case .inProgressElsewhere: ("in_progress_elsewhere", 50)
            case .invalidCart, .invalidConfiguration: ("usage", 2)
            default: ("error", 1)
            }
        self.json = [
            "task_id": .string(taskID),
            "status": .string(status),
            "error": .string(error.code.description),
            "message": .string(error.message),
            "checkout_session_id": error.anchor.map(JSONValue.string) ?? .null,
            "generation": .number(Double(error.generation)),
            "idempotency_keys": .array(error.idempotencyKeys.map { .string($0.rawValue) }),
        ]
        self.exitCode = code
    }

    init(usage message: String, taskID: String) {
        self.json = ["task_id": .string(taskID), "status": "usage", "message": .string(message)]
        self.exitCode = 2
    }

    init(internal message: String, taskID: String) {
        self.json = ["task_id": .string(taskID), "status": "error", "message": .string(message)]
        self.exitCode = 1
    }
}
