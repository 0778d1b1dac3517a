import AgentRetry

/// One tool call of the binding in flight: what is needed to turn the answer of the REST
/// operation it stands for into the JSON-RPC answer to the call. A pure value: no I/O.
struct MCPToolEnvelope: Sendable {
    /// The JSON-RPC id of the call.
    let id: JSONValue
    /// The tool called.
    let tool: MCPBindingTool
    /// How the endpoint answers.
    let behaviour: MCPBindingBehaviour

    /// The REST response `rest` as the JSON-RPC answer to the call:
    /// - a 2xx is the tool's result (a `CallToolResult`, or the bare body);
    /// - an ACP error (an object with `type` or `code`) is a JSON-RPC error `-32000` with the
    ///   error as `data`, or a `CallToolResult` with `isError`;
    /// - anything else (a framework's own error, text) is a JSON-RPC error: `-32603` for a 5xx,
    ///   `-32602` otherwise, the body kept as `data` where it is JSON.
    ///
    /// The REST headers are kept (`Retry-After`, the replay marker, the echoed key); the HTTP
    /// status is 200, as MCP answers a processed request.
    func wrap(_ rest: MockResponse) -> MockResponse {
        let body = try? JSONValue(parsing: rest.body)
        let message: JSONValue
        if (200..<300).contains(rest.status) {
            message = MCPMessage.result(self.success(body ?? .object([:])), id: self.id)
        } else if let body, Self.isACPError(body) {
            switch self.behaviour.errors {
            case .jsonRPC:
                let text = body["message"]?.stringValue ?? "ACP error \(body["code"]?.stringValue ?? "")"
                message = MCPMessage.error(MCPMessage.acpErrorCode, text, data: body, id: self.id)
            case .toolError:
                message = MCPMessage.result(Self.toolResult(body, isError: true), id: self.id)
            }
        } else {
            let text = String(decoding: rest.body.prefix(500), as: UTF8.self)
            message = MCPMessage.error(
                rest.status >= 500 ? -32603 : -32602,
                "HTTP \(rest.status) from the checkout API: \(text)",
                data: body,
                id: self.id
            )
        }
        let headers = rest.headers.filter { !["content-type", "content-length"].contains($0.name.lowercased()) }
        return MCPMessage.http(message, encoding: self.behaviour.encoding, headers: headers)
    }

    private func success(_ body: JSONValue) -> JSONValue {
        switch self.behaviour.results {
        case .bare: body
        case .toolResult: Self.toolResult(body, isError: false)
        }
    }

    /// A `CallToolResult` carrying `value` as structured content and as its JSON text.
    static func toolResult(_ value: JSONValue, isError: Bool) -> JSONValue {
        [
            "content": [["type": "text", "text": .string(String(decoding: value.serialized(), as: UTF8.self))]],
            "structuredContent": value, "isError": .bool(isError),
        ]
    }

    /// Whether `body` is an ACP error object (flat, with `type` or `code`).
    static func isACPError(_ body: JSONValue) -> Bool {
        guard let members = body.objectValue else { return false }
        return members["type"]?.stringValue != nil || members["code"]?.stringValue != nil
    }
}
