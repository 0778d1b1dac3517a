import AgentRetry

/// A tool call refused before anything is sent: bad input (naming the field) or a spending limit.
/// It becomes a tool result with `isError: true`, never a protocol error.
struct MCPToolError: Error, Sendable {
    /// Why the call was refused.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        /// An argument is missing, of the wrong type or not usable.
        static let invalidArgument = Code(rawValue: "invalid_argument")
        /// The call would exceed `--max-amount-per-task` or `--max-amount-per-run`.
        static let spendingLimit = Code(rawValue: "spending_limit")
        /// The tool is not offered by this server (`--tools`).
        static let unknownTool = Code(rawValue: "unknown_tool")
        var description: String { self.rawValue }
    }

    let code: Code
    /// The argument at fault, as a path (`cart.line_items[0].id`), if one is.
    let field: String?
    let message: String

    static func invalid(_ field: String, _ message: String) -> MCPToolError {
        MCPToolError(code: .invalidArgument, field: field, message: message)
    }

    /// The tool result's JSON.
    func json(taskID: String?) -> JSONValue {
        [
            "task_id": taskID.map(JSONValue.string) ?? .null,
            "status": .string(self.code.rawValue),
            "field": self.field.map(JSONValue.string) ?? .null,
            "message": .string(self.message),
        ]
    }
}
