import AgentRetry
import Synchronization

extension MockPaymentCore {
    /// The MCP protocol versions the endpoint speaks, newest first.
    static let mcpProtocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// `/mcp`: ACP 2026-04-17's MCP binding over Streamable HTTP (a POST per JSON-RPC message, a
    /// session opened by `initialize` and named by `Mcp-Session-Id`, `DELETE` to end it). Tool
    /// calls are handed back as the REST requests they map to, so that they are processed with the
    /// REST routes' idempotency, faults and ledger.
    func readMCP(_ request: MockRequest) -> MCPExchange {
        let merchant = self.merchant.withLock { $0 }
        let encoding = merchant.mcp.encoding
        guard merchant.servesMCP else {
            return .answer(RouteFamily.mcp.error(404, code: "not_found", message: "No MCP endpoint"), rpc: "none")
        }
        switch request.method {
        case "POST": break
        case "DELETE": return .answer(self.endMCPSession(request), rpc: "delete")
        default:
            let refusal = MCPMessage.refusal(405, -32000, "Method not allowed: the endpoint takes POST and DELETE")
            return .answer(refusal.with(header: "Allow", "POST, DELETE"), rpc: "none")
        }
        if let refusal = Self.mediaRefusal(request) { return .answer(refusal, rpc: "none") }
        guard self.apiKey(of: request) != nil else {
            // The binding authenticates at the MCP level: every message carries the caller's key.
            let refusal = MCPMessage.refusal(401, -32000, "Unauthorized: send Authorization: Bearer <API key>")
            return .answer(refusal.with(header: "WWW-Authenticate", "Bearer"), rpc: "none")
        }
        let message: JSONValue
        do {
            message = try JSONValue(parsing: request.body)
        } catch {
            return .answer(MCPMessage.refusal(400, -32700, "Parse error: \(error.message)"), rpc: "none")
        }
        guard let members = message.objectValue else {
            return .answer(
                MCPMessage.refusal(400, -32600, "Invalid request: one JSON-RPC object per POST"),
                rpc: "none"
            )
        }
        guard let method = members["method"]?.stringValue else {
            // A client's response to a server request, or no JSON-RPC at all.
            let isResponse = members["result"] != nil || members["error"] != nil
            return .answer(
                isResponse ? MCPMessage.accepted : MCPMessage.refusal(400, -32600, "Invalid request"),
                rpc: "response"
            )
        }
        let id = members["id"]
        if method == "initialize" {
            return .answer(self.initializeMCP(message, id: id ?? .null, encoding: encoding), rpc: method)
        }
        if let refusal = self.sessionRefusal(request, id: id ?? .null) { return .answer(refusal, rpc: method) }
        guard let id else { return .answer(MCPMessage.accepted, rpc: method) }
        switch method {
        case "ping":
            return .answer(MCPMessage.http(MCPMessage.result([:], id: id), encoding: encoding), rpc: method)
        case "tools/list":
            let tools = JSONValue.array(MCPBindingTool.allCases.map(\.listing))
            return .answer(
                MCPMessage.http(MCPMessage.result(["tools": tools], id: id), encoding: encoding),
                rpc: method
            )
        case "tools/call":
            return self.toolCall(request, message["params"] ?? .null, id: id, behaviour: merchant.mcp)
        default:
            let unknown = MCPMessage.error(-32601, "Method not found: \(method)", id: id)
            return .answer(MCPMessage.http(unknown, encoding: encoding), rpc: method)
        }
    }

    /// A POST must carry JSON and accept both JSON and an event stream (MCP Streamable HTTP).
    private static func mediaRefusal(_ request: MockRequest) -> MockResponse? {
        let contentType = request.header("content-type")?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            return MCPMessage.refusal(415, -32000, "Unsupported Media Type: Content-Type must be application/json")
        }
        let accept = request.header("accept")?.lowercased() ?? ""
        guard accept.contains("*/*") || (accept.contains("application/json") && accept.contains("text/event-stream"))
        else {
            return MCPMessage.refusal(
                406,
                -32000,
                "Not Acceptable: Accept must list application/json and text/event-stream"
            )
        }
        return nil
    }

    /// Opens a session and answers `initialize` with its id.
    private func initializeMCP(
        _ message: JSONValue,
        id: JSONValue,
        encoding: MCPBindingBehaviour.Encoding
    )
        -> MockResponse
    {
        let asked = message["params"]?["protocolVersion"]?.stringValue ?? ""
        let version = Self.mcpProtocolVersions.contains(asked) ? asked : "2025-06-18"
        let session = self.state.withLock { $0.mcpSessions.start() }
        let result: JSONValue = [
            "protocolVersion": .string(version), "capabilities": ["tools": ["listChanged": false]],
            "serverInfo": ["name": "mock-payment-server", "version": "1.0.0"],
            "instructions": "ACP 2026-04-17 checkout over MCP: the five checkout session tools.",
        ]
        return MCPMessage.http(
            MCPMessage.result(result, id: id),
            encoding: encoding,
            headers: [("Mcp-Session-Id", session)]
        )
    }

    /// 400 without a session id, 404 for one the endpoint does not know (or no longer: the client
    /// opens a new one), 400 for a protocol version it does not speak; `nil` when all is well.
    private func sessionRefusal(_ request: MockRequest, id: JSONValue) -> MockResponse? {
        guard let session = request.header("mcp-session-id") else {
            return MCPMessage.refusal(400, -32000, "Bad Request: Mcp-Session-Id header is required", id: id)
        }
        guard self.state.withLock({ $0.mcpSessions.contains(session) }) else {
            return MCPMessage.refusal(404, MCPMessage.sessionNotFound, "Session not found", id: id)
        }
        if let version = request.header("mcp-protocol-version"), !Self.mcpProtocolVersions.contains(version) {
            return MCPMessage.refusal(400, -32000, "Bad Request: unsupported MCP-Protocol-Version \(version)", id: id)
        }
        return nil
    }

    private func endMCPSession(_ request: MockRequest) -> MockResponse {
        guard let session = request.header("mcp-session-id") else {
            return MCPMessage.refusal(400, -32000, "Bad Request: Mcp-Session-Id header is required")
        }
        let ended = self.state.withLock { $0.mcpSessions.end(session) }
        return ended
            ? MockResponse(status: 200, headers: [], body: []) : MCPMessage.refusal(404, -32001, "Session not found")
    }
}
