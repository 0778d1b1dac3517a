import AgentRetry

/// The HTTP answer to one tool call of ACP's MCP binding, read back into the REST response the
/// operation would have had, so that the keys, the retry decisions and the error reading are those
/// of REST. A pure function of the bytes: no I/O.
///
/// - A tool result (`structuredContent`, else the JSON of its text content; a bare session as the
///   binding's examples show) is a 201 for create and a 200 otherwise, its body the session.
/// - A tool error (`isError`) or a JSON-RPC error carrying an ACP error object (`data`) is that
///   error at the status ACP's REST API gives its code and type (``status(of:)``), so it is read
///   by its code as REST errors are: `idempotency_conflict` stays a conflict, `out_of_stock` a
///   refusal, `payment_declined` a decline.
/// - A JSON-RPC error without an ACP error is read by its code: parse errors and invalid params
///   are a 400, an unknown tool a 404 (the merchant does not speak the binding), internal and
///   server errors a 500 (the effect may have happened: re-sent under the same key).
/// - An HTTP status other than 200, or a body that is no JSON-RPC response, passes as it is.
enum ACPMCPAnswer {
    /// The REST response the answer stands for.
    case response(HTTPResponse)
    /// The answer was cut off or carried no response to the call: it may have been processed.
    case lost(String)

    /// Reads the HTTP `response` to the call with JSON-RPC id `id`.
    static func read(_ response: HTTPResponse, id: Int, call: ACPMCPToolCall) -> ACPMCPAnswer {
        guard response.status == 200 else { return .response(response) }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        let message: JSONValue
        if contentType.hasPrefix("text/event-stream") {
            // (No `nil` literal among JSON values here: JSONValue takes one as `null`.)
            let events = ServerSentEvents.data(in: response.body).compactMap { try? JSONValue(parsing: Array($0.utf8)) }
            guard let first = events.first(where: { Self.isResponse($0, id: id) }) else {
                return .lost("the event stream ended without the tool's answer")
            }
            message = first
        } else {
            guard let value = try? JSONValue(parsing: response.body), Self.isResponse(value, id: id) else {
                return .response(response)
            }
            message = value
        }
        return .response(Self.rest(message, call: call, from: response))
    }

    /// Whether `value` is the JSON-RPC response with id `id`.
    static func isResponse(_ value: JSONValue, id: Int) -> Bool {
        guard value["jsonrpc"]?.stringValue == "2.0", value["id"]?.integerValue == id else { return false }
        return Self.has(value, "result") || Self.has(value, "error")
    }

    /// The REST response of a JSON-RPC response message.
    static func rest(_ message: JSONValue, call: ACPMCPToolCall, from response: HTTPResponse) -> HTTPResponse {
        var rest = response
        rest.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        if let error = message["error"] {
            let (status, body) = Self.jsonRPCError(error)
            rest.status = status
            rest.body = body.serialized()
            return rest
        }
        let result = message["result"] ?? .null
        if result["isError"]?.boolValue == true {
            let error = Self.toolContent(result) ?? ["type": "processing_error", "code": "tool_error"]
            rest.status = Self.status(of: error)
            rest.body = error.serialized()
            return rest
        }
        let isToolResult = Self.has(result, "content") || Self.has(result, "structuredContent")
        rest.status = call.isCreate ? 201 : 200
        rest.body = (isToolResult ? Self.toolContent(result) ?? result : result).serialized()
        return rest
    }

    /// Whether `value` is an object with a member `key`.
    static func has(_ value: JSONValue, _ key: String) -> Bool { value.objectValue?.keys.contains(key) == true }

    /// A tool result's structured content, else the JSON of its first text content.
    static func toolContent(_ result: JSONValue) -> JSONValue? {
        if let structured = result["structuredContent"], case .object = structured { return structured }
        for item in result["content"]?.arrayValue ?? [] where item["type"]?.stringValue == "text" {
            if let text = item["text"]?.stringValue, let value = try? JSONValue(parsing: Array(text.utf8)) {
                return value
            }
        }
        return nil
    }

    /// The status and ACP error body of a JSON-RPC error object.
    static func jsonRPCError(_ error: JSONValue) -> (Int, JSONValue) {
        let message = error["message"]?.stringValue ?? "JSON-RPC error"
        if let data = error["data"], Self.has(data, "type") || Self.has(data, "code") {
            return (Self.status(of: data), data)
        }
        let code = error["code"]?.integerValue ?? -32603
        let (status, name): (Int, String) =
            switch code {
            case -32700: (400, "parse_error")
            case -32600: (400, "invalid_request")
            case -32602: (400, "invalid_params")
            case -32601: (404, "method_not_found")
            default: (500, "internal_error")
            }
        let type = status == 500 ? "processing_error" : "invalid_request"
        return (status, ["type": .string(type), "code": .string(name), "message": .string(message)])
    }
}
