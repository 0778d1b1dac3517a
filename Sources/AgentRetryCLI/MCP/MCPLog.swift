import Foundation

/// The MCP server's log: one line per event on standard error (standard output is the protocol).
/// Lines name tools, task ids and statuses, never an API key or a credential.
enum MCPLog {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data("agent-retry mcp: \(line)\n".utf8))
    }
}
