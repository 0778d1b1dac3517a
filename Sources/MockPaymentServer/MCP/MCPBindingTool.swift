import AgentRetry
import Foundation

/// One of the five tools of ACP 2026-04-17's MCP binding, and the REST operation it maps to 1:1.
enum MCPBindingTool: String, CaseIterable, Sendable {
    case create = "create_checkout_session"
    case get = "get_checkout_session"
    case update = "update_checkout_session"
    case complete = "complete_checkout_session"
    case cancel = "cancel_checkout_session"

    /// The arguments the binding requires besides `meta`.
    var requiredArguments: [String] {
        switch self {
        case .create: ["payload"]
        case .get, .cancel: ["id"]
        case .update, .complete: ["id", "payload"]
        }
    }

    /// Whether the operation changes state (a POST in REST), so that it carries an idempotency key.
    var isWrite: Bool { self != .get }

    /// The REST method and path for session `id`.
    func rest(id: String?) -> (method: String, path: String) {
        let session = "/checkout_sessions/" + (id.map(Self.escaped) ?? "")
        switch self {
        case .create: return ("POST", "/checkout_sessions")
        case .get: return ("GET", session)
        case .update: return ("POST", session)
        case .complete: return ("POST", session + "/complete")
        case .cancel: return ("POST", session + "/cancel")
        }
    }

    /// The tool as `tools/list` describes it.
    var listing: JSONValue {
        var properties: [String: JSONValue] = [
            "meta": [
                "type": "object", "required": ["api_version"], "additionalProperties": true,
                "properties": [
                    "api_version": ["type": "string"], "idempotency_key": ["type": "string"],
                    "request_id": ["type": "string"], "user_agent": ["type": "string"],
                    "accept_language": ["type": "string"],
                ],
            ]
        ]
        if self != .create { properties["id"] = ["type": "string"] }
        if self != .get { properties["payload"] = ["type": "object"] }
        return [
            "name": .string(self.rawValue),
            "description": .string("ACP \(self.rest(id: "{id}").method) \(self.rest(id: "{id}").path), as a tool."),
            "inputSchema": [
                "type": "object", "properties": .object(properties),
                "required": .array((["meta"] + self.requiredArguments).map(JSONValue.string)),
            ],
        ]
    }

    /// A session id as one path segment: characters that would change the path are escaped.
    private static func escaped(_ id: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
    }
}
