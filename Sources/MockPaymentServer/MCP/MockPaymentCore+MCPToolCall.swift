import AgentRetry

extension MockPaymentCore {
    /// The headers of a REST request that `meta` members stand for, as the binding maps them.
    static let metaHeaders = [
        ("api_version", "api-version"), ("idempotency_key", "idempotency-key"), ("request_id", "request-id"),
        ("user_agent", "user-agent"), ("accept_language", "accept-language"), ("signature", "signature"),
        ("timestamp", "timestamp"),
    ]

    /// A `tools/call`: the REST request it maps to, or the call's refusal (an unknown tool, an
    /// argument missing or of the wrong type), answered as the binding answers errors.
    func toolCall(
        _ request: MockRequest,
        _ params: JSONValue,
        id: JSONValue,
        behaviour: MCPBindingBehaviour
    )
        -> MCPExchange
    {
        guard let name = params["name"]?.stringValue else {
            let refusal = MCPMessage.error(-32602, "Invalid params: name is required", id: id)
            return .answer(MCPMessage.http(refusal, encoding: behaviour.encoding), rpc: "tools/call")
        }
        let rpc = "tools/call \(name)"
        guard let tool = MCPBindingTool(rawValue: name) else {
            let refusal = MCPMessage.error(-32602, "Unknown tool: \(name)", id: id)
            return .answer(MCPMessage.http(refusal, encoding: behaviour.encoding), rpc: rpc)
        }
        let envelope = MCPToolEnvelope(id: id, tool: tool, behaviour: behaviour)
        switch Self.restRequest(request, tool: tool, arguments: params["arguments"] ?? .null, behaviour: behaviour) {
        case .success(let rest): return .toolCall(rest, envelope)
        case .failure(let refusal): return .toolRefusal(refusal.response, envelope)
        }
    }

    /// The REST request of a call: `meta` as headers, `payload` as the body, `id` in the path;
    /// the caller's `Authorization` carried over (the binding authenticates at the MCP level).
    static func restRequest(
        _ request: MockRequest,
        tool: MCPBindingTool,
        arguments: JSONValue,
        behaviour: MCPBindingBehaviour
    ) -> Result<MockRequest, RejectedRequest> {
        let family = RouteFamily.mcp
        func missing(_ path: String, _ message: String) -> Result<MockRequest, RejectedRequest> {
            .failure(
                RejectedRequest(
                    response: family.error(400, code: "missing_required_field", message: message, param: path)
                )
            )
        }
        guard let members = arguments.objectValue else { return missing("$", "arguments must be an object") }
        guard let meta = members["meta"]?.objectValue else { return missing("$.meta", "Missing required field: meta") }
        guard meta["api_version"]?.stringValue != nil else {
            return missing("$.meta.api_version", "Missing required field: meta.api_version")
        }
        let sessionID = members["id"]?.stringValue
        if tool.requiredArguments.contains("id"), sessionID?.isEmpty != false {
            return missing("$.id", "Missing required field: id")
        }
        let payload = members["payload"]
        if tool.requiredArguments.contains("payload"), payload?.objectValue == nil {
            return missing("$.payload", "Missing required field: payload (an object)")
        }
        if tool.isWrite, behaviour.requiresIdempotencyKey, meta["idempotency_key"]?.stringValue?.isEmpty != false {
            return .failure(
                RejectedRequest(
                    response: family.error(
                        400,
                        code: "idempotency_key_required",
                        message: "meta.idempotency_key is required on \(tool.rawValue)",
                        param: "$.meta.idempotency_key"
                    )
                )
            )
        }
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        if let authorization = request.header("authorization") { headers.append(("authorization", authorization)) }
        for (member, header) in Self.metaHeaders {
            if let value = meta[member]?.stringValue { headers.append((header, value)) }
        }
        let (method, path) = tool.rest(id: sessionID)
        var rest = MockRequest(
            method: method,
            path: path,
            query: [:],
            headers: headers,
            body: tool.isWrite ? (payload ?? .object([:])).serialized() : []
        )
        rest.idempotencyKeyOptional = !behaviour.requiresIdempotencyKey
        return .success(rest)
    }
}
