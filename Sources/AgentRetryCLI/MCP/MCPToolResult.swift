import AgentRetry
import Foundation
import MCP

/// A tool's answer: the same JSON as structured content and as text content.
enum MCPToolResult {
    /// The result carrying `json`; `isError` marks a tool error (bad input, a refusal, a failure).
    static func make(_ json: JSONValue, isError: Bool) -> CallTool.Result {
        let text = String(decoding: json.serialized(), as: UTF8.self)
        return CallTool.Result(
            content: [.text(text: text, annotations: nil, _meta: nil)],
            structuredContent: Optional.some(Self.value(json)),
            isError: isError
        )
    }

    /// A refused call's result.
    static func make(_ error: MCPToolError, taskID: String?) -> CallTool.Result {
        Self.make(error.json(taskID: taskID), isError: true)
    }

    /// `json` as the SDK's value (integers stay integers).
    static func value(_ json: JSONValue) -> Value {
        (try? JSONDecoder().decode(Value.self, from: Data(json.serialized()))) ?? .null
    }

    /// Whether a checkout report is a tool error: usage, internal failures, conflicts and
    /// reconciliation. Outcomes the model acts on (completed, declined, needs input, rejected,
    /// pending, in progress elsewhere) are results.
    static func isError(exitCode: Int32) -> Bool {
        [1, 2, 30, 40].contains(exitCode)
    }
}
