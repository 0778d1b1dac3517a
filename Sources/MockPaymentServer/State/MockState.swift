import AgentRetry
import Foundation

/// Everything the mock server remembers, guarded by one lock in ``MockPaymentCore``: an effect and
/// its idempotency record always change under the same lock hold.
struct MockState {
    var idempotency = IdempotencyRecords()
    var paymentIntents: [String: PaymentIntent] = [:]
    var paymentIntentOrder: [String] = []
    var refunds: [String: JSONValue] = [:]
    var refundOrder: [String] = []
    var sessions: [String: CheckoutSession] = [:]
    var ledger: [LedgerEntry] = []
    var journal: [JournalEntry] = []
    var mcpSessions = MCPSessions()
    /// Webhook events effects produced, sent once the lock is released.
    var webhookOutbox = WebhookOutbox()
    private var counter = 0

    /// A new object id: the prefix, then a number unique within this server's life.
    mutating func makeID(_ prefix: String) -> String {
        self.counter += 1
        let digits = String(self.counter)
        return prefix + "_mock" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// The error-body shape of a family of routes.
enum RouteFamily: Sendable {
    case stripe
    case acp
    case admin
    /// `/mcp`: ACP's MCP binding, whose tool calls are processed as the ACP routes they map to.
    case mcp

    init(path: String) {
        if path.hasPrefix("/v1/") || path == "/v1" {
            self = .stripe
        } else if path == "/mcp" {
            self = .mcp
        } else if path.hasPrefix("/__admin") {
            self = .admin
        } else {
            self = .acp
        }
    }

    /// An error response in this family's shape.
    func error(
        _ status: Int,
        type: String? = nil,
        code: String?,
        message: String,
        param: String? = nil,
        extra: [String: JSONValue] = [:]
    ) -> MockResponse {
        let object = self.errorObject(status, type: type, code: code, message: message, param: param, extra: extra)
        switch self {
        case .stripe: return .json(status, ["error": .object(object)])
        case .acp, .admin, .mcp: return .json(status, .object(object))
        }
    }

    /// The error's members, `type` defaulted from the status as this family does.
    func errorObject(
        _ status: Int,
        type: String? = nil,
        code: String?,
        message: String,
        param: String? = nil,
        extra: [String: JSONValue] = [:]
    ) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["message": .string(message)]
        if let code { object["code"] = .string(code) }
        if let param { object["param"] = .string(param) }
        for (key, value) in extra { object[key] = value }
        switch self {
        case .stripe:
            object["type"] = .string(type ?? (status >= 500 ? "api_error" : "invalid_request_error"))
        case .acp, .admin, .mcp:
            object["type"] = .string(
                type ?? (status == 503 ? "service_unavailable" : status >= 500 ? "processing_error" : "invalid_request")
            )
        }
        return object
    }

    /// The body a `status_before` or `status_after_commit` fault answers with.
    func injected(status: Int) -> MockResponse {
        switch (self, status) {
        case (.acp, 409):
            self.error(
                409,
                code: "idempotency_in_flight",
                message: "A request with this Idempotency-Key is currently being processed"
            )
        case (.stripe, 409):
            self.error(
                409,
                code: "idempotency_key_in_use",
                message: "There is currently another in-progress request using this Idempotency-Key"
            )
        case (_, 429): self.error(429, code: "rate_limited", message: "Too many requests (injected fault)")
        case (_, 500...): self.error(status, code: "internal_error", message: "Internal server error (injected fault)")
        default: self.error(status, code: "injected_fault", message: "Injected fault with status \(status)")
        }
    }
}
