import AgentRetry

/// What the `/mcp` endpoint makes of one HTTP request.
enum MCPExchange: Sendable {
    /// Answered by the endpoint itself (the handshake, `tools/list`, `ping`, a refusal): nothing
    /// to process. `rpc` names the JSON-RPC method for the journal.
    case answer(MockResponse, rpc: String)
    /// A tool call: the REST request it stands for, processed as REST is (idempotency, faults,
    /// ledger), and the envelope that turns the REST answer into the call's answer.
    case toolCall(MockRequest, MCPToolEnvelope)
    /// A tool call refused before it became a REST request (an argument missing): the REST error
    /// that says why, answered through the call's envelope.
    case toolRefusal(MockResponse, MCPToolEnvelope)
}
