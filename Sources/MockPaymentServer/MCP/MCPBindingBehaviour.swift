import AgentRetry

/// How the mock server's `/mcp` endpoint (ACP 2026-04-17's MCP binding) answers, so that a client
/// can be tried against the ways MCP servers differ. The defaults follow the MCP specification
/// and the binding's examples; every member can be changed at run time through
/// `POST /__admin/merchant` with `{"mcp": {...}}`.
public struct MCPBindingBehaviour: Sendable, Hashable {
    /// How a tool's success is returned.
    public enum Results: String, Sendable, Hashable, CaseIterable {
        /// An MCP `CallToolResult`: the session as `structuredContent` and as JSON text.
        case toolResult = "tool_result"
        /// The session itself as the JSON-RPC `result`, as the binding's examples show it.
        case bare
    }

    /// How an ACP error is returned.
    public enum Errors: String, Sendable, Hashable, CaseIterable {
        /// A JSON-RPC error `-32000` whose `data` is the ACP error, as the binding's examples.
        case jsonRPC = "json_rpc"
        /// A `CallToolResult` with `isError: true` whose content is the ACP error.
        case toolError = "tool_error"
    }

    /// How the HTTP answer to a request is encoded.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// One JSON body, `Content-Type: application/json`.
        case json
        /// A server-sent event stream with the response as its one `message` event.
        case eventStream = "event_stream"
    }

    /// Success results. Defaults to ``Results/toolResult``.
    public var results: Results
    /// Error results. Defaults to ``Errors/jsonRPC``.
    public var errors: Errors
    /// The answers' encoding. Defaults to ``Encoding/json``.
    public var encoding: Encoding
    /// Whether a write without `meta.idempotency_key` is refused (`idempotency_key_required`).
    /// The binding calls the key recommended only; defaults to `true`. When `false`, a write without
    /// one is processed without idempotency, every time it arrives.
    public var requiresIdempotencyKey: Bool

    /// Creates a behaviour with the documented defaults.
    public init(
        results: Results = .toolResult,
        errors: Errors = .jsonRPC,
        encoding: Encoding = .json,
        requiresIdempotencyKey: Bool = true
    ) {
        self.results = results
        self.errors = errors
        self.encoding = encoding
        self.requiresIdempotencyKey = requiresIdempotencyKey
    }

    var json: JSONValue {
        [
            "results": .string(self.results.rawValue), "errors": .string(self.errors.rawValue),
            "encoding": .string(self.encoding.rawValue), "requires_idempotency_key": .bool(self.requiresIdempotencyKey),
        ]
    }
}
