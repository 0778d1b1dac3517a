import AgentRetry
import MockPaymentServer
import Testing

/// A raw Streamable HTTP client of the mock server's `/mcp` endpoint over the libcurl transport:
/// each test sees exactly what went on the wire.
struct MCPEndpointClient {
    let server: MockPaymentServer
    let transport: HTTPTransport
    var sessionID: String?

    var endpoint: String { self.server.baseURL + "/mcp" }

    /// A POST of `message` with the headers a Streamable HTTP client sends.
    func request(_ message: JSONValue, accept: String = "application/json, text/event-stream") -> HTTPRequest {
        var headers: HTTPHeaders = [
            "Content-Type": "application/json", "Accept": accept, "Authorization": "Bearer \(testKey)",
        ]
        if let sessionID { headers.add(name: "Mcp-Session-Id", value: sessionID) }
        return HTTPRequest(method: .post, url: self.endpoint, headers: headers, body: message.serialized())
    }

    func post(_ message: JSONValue) async throws -> HTTPResponse {
        try await self.transport.execute(self.request(message))
    }

    /// Opens a session: `initialize`, then `notifications/initialized`.
    static func open(_ server: MockPaymentServer, _ transport: HTTPTransport) async throws -> MCPEndpointClient {
        var client = MCPEndpointClient(server: server, transport: transport)
        let response = try await client.post(Self.initialize)
        #expect(response.status == 200, "\(response.bodyText)")
        client.sessionID = response.headers.first(name: "Mcp-Session-Id")
        #expect(client.sessionID != nil)
        let acknowledged = try await client.post(["jsonrpc": "2.0", "method": "notifications/initialized"])
        #expect(acknowledged.status == 202)
        return client
    }

    static let initialize: JSONValue = [
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]],
    ]

    /// The JSON-RPC message of an answer, a JSON body or the first event of a stream.
    static func message(_ response: HTTPResponse) throws -> JSONValue {
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        guard contentType.hasPrefix("text/event-stream") else { return try JSONValue(parsing: response.body) }
        let data = response.bodyText.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6) ?? ""
        return try JSONValue(parsing: Array(data.utf8))
    }

    /// Calls `tool` with `arguments` as JSON-RPC request `id`, and returns the answer's message.
    func call(_ tool: String, _ arguments: JSONValue, id: Int = 1) async throws -> JSONValue {
        let response = try await self.post(Self.callMessage(tool, arguments, id: id))
        #expect(response.status == 200, "\(response.bodyText)")
        return try Self.message(response)
    }

    static func callMessage(_ tool: String, _ arguments: JSONValue, id: Int = 1) -> JSONValue {
        [
            "jsonrpc": "2.0", "id": .number(Double(id)), "method": "tools/call",
            "params": ["name": .string(tool), "arguments": arguments],
        ]
    }

    /// The arguments of a call: `meta` with the version and `key`, then `id` and `payload`.
    static func arguments(key: String?, id: String? = nil, payload: String? = nil) throws -> JSONValue {
        var meta: [String: JSONValue] = ["api_version": "2026-04-17"]
        if let key { meta["idempotency_key"] = .string(key) }
        var arguments: [String: JSONValue] = ["meta": .object(meta)]
        if let id { arguments["id"] = .string(id) }
        if let payload { arguments["payload"] = try JSONValue(parsing: Array(payload.utf8)) }
        return .object(arguments)
    }
}
