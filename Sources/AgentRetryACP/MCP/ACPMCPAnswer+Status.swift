import AgentRetry

extension ACPMCPAnswer {
    /// Codes answered with a status of their own by ACP's REST API and the merchants seen.
    static let statusByCode: [String: Int] = [
        "idempotency_conflict": 422, "idempotency_in_flight": 409, "request_not_idempotent": 409,
        "idempotency_key_required": 400, "not_found": 404, "session_not_found": 404,
        "checkout_session_not_found": 404, "resource_missing": 404, "payment_declined": 402,
        "card_declined": 402, "rate_limited": 429, "rate_limit_exceeded": 429, "out_of_stock": 409,
        "unauthorized": 401, "invalid_api_key": 401, "forbidden": 403, "method_not_allowed": 405,
    ]

    /// The REST status an ACP error object stands for: its code where ACP (or the merchants seen)
    /// give the code a status, else its type: `invalid_request` 400, `processing_error` 500,
    /// `service_unavailable` 503, authentication and permission errors 401 and 403, and any other
    /// explicit error 400 (the merchant refused the request and said so).
    static func status(of error: JSONValue) -> Int {
        if let code = error["code"]?.stringValue?.lowercased(), let status = Self.statusByCode[code] {
            return status
        }
        switch error["type"]?.stringValue?.lowercased() {
        case "processing_error", "api_error", "internal_error": return 500
        case "service_unavailable": return 503
        case "authentication_error": return 401
        case "permission_error": return 403
        case "rate_limit_error": return 429
        default: return 400
        }
    }
}
