import AgentRetry

/// What `agent-retry post` prints, and its exit code.
struct PostOutcome {
    let json: JSONValue
    let exitCode: Int32

    init(result: IdempotentResult) {
        let omitted = result.responseBodyOmitted
        let body: JSONValue =
            omitted
            ? .null
            : result.response.map { response in
                (try? JSONValue(parsing: response.body)) ?? .string(response.bodyText)
            } ?? .null
        var members: [String: JSONValue] = [
            "status": .string(result.status.rawValue),
            "http_status": result.response.map { .number(Double($0.status)) } ?? .null,
            "idempotency_key": .string(result.key.rawValue),
            "attempts": .number(Double(result.attempts)),
            "replayed": .bool(result.replayed),
            "from_store": .bool(result.fromStore),
            "body": body,
            "body_omitted": .bool(omitted),
        ]
        if omitted {
            members["message"] = .string(
                "the response body was over the transport's size limit (--max-response-bytes) and was not kept; "
                    + "the status is the outcome"
            )
        }
        self.json = .object(members)
        self.exitCode =
            switch result.status {
            case .succeeded: 0
            case .failed: 10
            case .pending: 20
            }
    }

    init(error: IdempotentCallError, taskID: String) {
        let (status, code): (String, Int32) =
            switch error.code {
            case .payloadMismatch, .inFlightAtServer, .bodyChanged, .targetChanged, .credentialsChanged:
                ("conflict", 30)
            case .needsReconciliation: ("needs_reconciliation", 40)
            case .inProgressElsewhere: ("in_progress_elsewhere", 50)
            case .retryAfterBeyondLimit, .responseBodyTooLarge: ("pending", 20)
            case .invalidRequest: ("usage", 2)
            default: ("error", 1)
            }
        self.json = [
            "status": .string(status),
            "error": .string(error.code.description),
            "message": .string(Self.message(of: error, taskID: taskID)),
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

    /// The error's message in the command's terms: what differs from the task's first request.
    static func message(of error: IdempotentCallError, taskID: String) -> String {
        switch error.code {
        case .bodyChanged:
            "task \(taskID) was first sent with another body; a different request needs another task id"
        case .targetChanged:
            "task \(taskID) was first sent to another target (its URL's scheme, host, port or path, or its --profile); "
                + "nothing was sent: a request to another endpoint needs another task id"
        case .credentialsChanged:
            "task \(taskID) was first sent with another API key (Authorization, X-API-Key or Stripe-Account "
                + "header); nothing was sent now, but the first request may have been processed: resume it with "
                + "the same key (another task id would be a second payment, not a retry)"
        default: error.message
        }
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
