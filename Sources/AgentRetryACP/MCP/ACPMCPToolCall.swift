import AgentRetry
import Foundation

/// One ACP checkout operation as a tool call of ACP's MCP binding (2026-04-17): the REST request
/// the ``ACPClient`` builds, read back into the tool, its `meta` and its arguments. A pure value:
/// no I/O.
///
/// The binding maps the REST operations 1:1: `POST /checkout_sessions` is
/// `create_checkout_session`, `GET /checkout_sessions/{id}` is `get_checkout_session`, `POST
/// /checkout_sessions/{id}` is `update_checkout_session`, and `/complete` and `/cancel` are
/// `complete_checkout_session` and `cancel_checkout_session`. The headers become `meta`:
/// `API-Version` → `api_version`, `Idempotency-Key` → `idempotency_key`, `Request-Id` →
/// `request_id`, `User-Agent` → `user_agent`, `Accept-Language` → `accept_language`.
struct ACPMCPToolCall: Sendable, Equatable {
    /// The tool's name, such as `create_checkout_session`.
    let tool: String
    /// The checkout session id of the operation, if its REST path has one.
    let sessionID: String?
    /// The REST body, sent as `payload`; `nil` for a read.
    let payload: JSONValue?
    /// The `meta` object.
    let meta: [String: JSONValue]

    /// Whether the REST operation answers 201 on success (create).
    var isCreate: Bool { self.tool == "create_checkout_session" }

    /// The call `request` maps to, or `nil` when its URL is not a checkout operation under
    /// `endpoint` (a discovery document, say: sent over plain HTTP).
    init?(rest request: HTTPRequest, endpoint: String) {
        let prefix = endpoint + "/checkout_sessions"
        guard request.url == prefix || request.url.hasPrefix(prefix + "/") else { return nil }
        let rest = request.url.dropFirst(prefix.count)
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard let (tool, sessionID) = Self.tool(method: request.method, segments: segments) else { return nil }
        if let body = request.body {
            guard let value = try? JSONValue(parsing: body) else { return nil }
            self.payload = value
        } else {
            self.payload = request.method == .get ? nil : .object([:])
        }
        self.tool = tool
        self.sessionID = sessionID
        self.meta = Self.meta(of: request.headers)
    }

    /// The tool and session id of a REST method and the path segments after `/checkout_sessions`.
    static func tool(method: HTTPMethod, segments: [String]) -> (String, String?)? {
        let id = segments.first.flatMap { $0.removingPercentEncoding }
        switch (method, segments.count) {
        case (.post, 0): return ("create_checkout_session", nil)
        case (.get, 1): return id.map { ("get_checkout_session", $0) }
        case (.post, 1): return id.map { ("update_checkout_session", $0) }
        case (.post, 2) where segments[1] == "complete": return id.map { ("complete_checkout_session", $0) }
        case (.post, 2) where segments[1] == "cancel": return id.map { ("cancel_checkout_session", $0) }
        default: return nil
        }
    }

    /// The binding's `meta` from the REST headers.
    static func meta(of headers: HTTPHeaders) -> [String: JSONValue] {
        let names = [
            ("API-Version", "api_version"), ("Idempotency-Key", "idempotency_key"), ("Request-Id", "request_id"),
            ("User-Agent", "user_agent"), ("Accept-Language", "accept_language"),
        ]
        var meta: [String: JSONValue] = [:]
        for (header, field) in names {
            if let value = headers.first(name: header) { meta[field] = .string(value) }
        }
        return meta
    }

    /// The `tools/call` JSON-RPC request with id `id`.
    func message(id: Int) -> JSONValue {
        var arguments: [String: JSONValue] = ["meta": .object(self.meta)]
        if let sessionID { arguments["id"] = .string(sessionID) }
        if let payload { arguments["payload"] = payload }
        return [
            "jsonrpc": "2.0", "id": .number(Double(id)), "method": "tools/call",
            "params": ["name": .string(self.tool), "arguments": .object(arguments)],
        ]
    }
}
