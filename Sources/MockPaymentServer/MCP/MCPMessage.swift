import AgentRetry

/// JSON-RPC messages of the `/mcp` endpoint, as HTTP responses in the configured encoding.
enum MCPMessage {
    /// The JSON-RPC error code the binding's examples give an ACP error.
    static let acpErrorCode = -32000
    /// MCP's code for a session the server does not know.
    static let sessionNotFound = -32001

    /// A success response to request `id`.
    static func result(_ result: JSONValue, id: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    /// An error response to request `id` (`null` when the request's id could not be read).
    static func error(_ code: Int, _ message: String, data: JSONValue? = nil, id: JSONValue = .null) -> JSONValue {
        var error: [String: JSONValue] = ["code": .number(Double(code)), "message": .string(message)]
        if let data { error["data"] = data }
        return ["jsonrpc": "2.0", "id": id, "error": .object(error)]
    }

    /// `message` as the HTTP answer: one JSON body, or an event stream with it as its one event.
    static func http(
        _ message: JSONValue,
        status: Int = 200,
        encoding: MCPBindingBehaviour.Encoding,
        headers: [(name: String, value: String)] = []
    ) -> MockResponse {
        switch encoding {
        case .json:
            return .json(status, message, headers: headers)
        case .eventStream:
            let event = "event: message\ndata: " + String(decoding: message.serialized(), as: UTF8.self) + "\n\n"
            return MockResponse(
                status: status,
                headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")] + headers,
                body: Array(event.utf8)
            )
        }
    }

    /// A refusal of the HTTP request itself (wrong method, media type, session), as JSON.
    static func refusal(_ status: Int, _ code: Int, _ message: String, id: JSONValue = .null) -> MockResponse {
        .json(status, Self.error(code, message, id: id))
    }

    /// `202 Accepted` with no body: the answer to a notification or a response.
    static let accepted = MockResponse(status: 202, headers: [], body: [])
}
