import AgentRetry

/// Where a merchant puts an error's `{type, code, message, param}`.
enum ErrorEnvelope: Sendable {
    /// ACP: the error object is the body.
    case topLevel
    /// FastAPI's `HTTPException`: `{"detail": {...}}`.
    case detail
    /// `{"error": {...}}`.
    case error

    /// An error response in this envelope; `type` defaults as ACP's does for the status.
    func error(
        _ status: Int,
        type: String? = nil,
        code: String,
        message: String,
        param: String? = nil,
        extra: [String: JSONValue] = [:]
    ) -> MockResponse {
        let object = RouteFamily.acp.errorObject(
            status,
            type: type,
            code: code,
            message: message,
            param: param,
            extra: extra
        )
        switch self {
        case .topLevel: return .json(status, .object(object))
        case .detail: return .json(status, ["detail": .object(object)])
        case .error: return .json(status, ["error": .object(object)])
        }
    }

    /// FastAPI's request-validation answer: 422 with pydantic's `detail` array.
    static func validation(_ problems: [RequestProblem]) -> MockResponse {
        let detail: [JSONValue] = problems.map { problem in
            let (type, message) =
                switch problem.kind {
                case .missing: ("missing", "Field required")
                case .extra: ("extra_forbidden", "Extra inputs are not permitted")
                default: ("value_error", "Value error, \(problem.message)")
                }
            return [
                "type": .string(type), "loc": .array(["body"] + problem.location), "msg": .string(message),
                "input": problem.input,
            ]
        }
        return .json(422, ["detail": .array(detail)])
    }
}
