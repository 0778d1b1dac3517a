import AgentRetry

/// What `agent-retry post` prints, and its exit code.
struct PostOutcome {
    let json: JSONValue
    let exitCode: Int32

    init(result: IdempotentResult) {
        let body: JSONValue =
            result.response.map { response in
                (try? JSONValue(parsing: response.body)) ?? .string(response.bodyText)
            } ?? .null
        self.json = [
            "status": .string(result.status.rawValue),
            "http_status": result.response.map { .number(Double($0.status)) } ?? .null,
            "idempotency_key": .string(result.key.rawValue),
            "attempts": .number(Double(result.attempts)),
            "replayed": .bool(result.replayed),
            "from_store": .bool(result.fromStore),
            "body": body,
        ]
        self.exitCode =
            switch result.status {
            case .succeeded: 0
            case .failed: 10
            case .pending: 20
            }
    }

    init(error: IdempotentCallError) {
        let (status, code): (String, Int32) =
            switch error.code {
            case .payloadMismatch, .inFlightAtServer, .bodyChanged: ("conflict", 30)
            case .needsReconciliation: ("needs_reconciliation", 40)
            case .inProgressElsewhere: ("in_progress_elsewhere", 50)
            case .retryAfterBeyondLimit: ("pending", 20)
            default: ("error", 1)
            }
        self.json = [
            "status": .string(status),
            "error": .string(error.code.description),
            "message": .string(error.message),
            "http_status": error.response.map { .number(Double($0.status)) } ?? .null,
            "idempotency_key": error.key.map { .string($0.rawValue) } ?? .null,
            "attempts": .number(Double(error.attempts)),
            "retry_after_seconds": error.retryAfter.map { .number(Double($0.components.seconds)) } ?? .null,
            "replayed": false,
            "from_store": false,
            "body": .null,
        ]
        self.exitCode = code
    }

    init(usage message: String) {
        self.json = ["status": "usage", "message": .string(message)]
        self.exitCode = 2
    }

    init(internal message: String) {
        self.json = ["status": "error", "message": .string(message)]
        self.exitCode = 1
    }
}
