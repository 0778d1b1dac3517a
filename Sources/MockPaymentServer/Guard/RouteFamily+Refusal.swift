import AgentRetry

extension RouteFamily {
    /// A request refused before routing (a foreign `Host` or `Origin`, a missing admin token, a
    /// connection over the limit), in this family's error shape: `/mcp` answers a JSON-RPC error
    /// with no id, as MCP's Streamable HTTP asks, carrying `code` in its `data`.
    func refusal(_ status: Int, code: String, message: String) -> MockResponse {
        guard self == .mcp else { return self.error(status, code: code, message: message) }
        return .json(status, MCPMessage.error(MCPMessage.acpErrorCode, message, data: ["code": .string(code)]))
    }
}
