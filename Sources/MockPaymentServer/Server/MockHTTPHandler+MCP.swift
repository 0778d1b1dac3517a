import NIOCore
import NIOHTTP1

extension MockHTTPHandler {
    /// A request to `/mcp`. A tool call is processed as the REST request it maps to: its fault is
    /// decided on the REST method and path (so one rule covers both wires), its journal entry
    /// carries them, and its answer goes back through the call's envelope. Every other message is
    /// answered by the endpoint, its fault decided on `POST /mcp`.
    func handleMCP(_ request: MockRequest, context: ChannelHandlerContext, head: HTTPRequestHead) {
        let processed: MockRequest
        let envelope: MCPToolEnvelope?
        let rpc: String
        let prepare: () -> PreparedResponse
        switch self.core.readMCP(request) {
        case .answer(let response, let method):
            (processed, envelope, rpc) = (request, nil, method)
            prepare = { .respond(response, replayed: false) }
        case .toolRefusal(let refusal, let call):
            (processed, envelope, rpc) = (request, call, "tools/call \(call.tool.rawValue)")
            prepare = { .respond(refusal, replayed: false) }
        case .toolCall(let rest, let call):
            (processed, envelope, rpc) = (rest, call, "tools/call \(call.tool.rawValue)")
            prepare = { self.core.prepare(rest) }
        }
        let fault = self.core.faults.decide(method: processed.method, path: processed.path)
        let entry = JournalEntry(
            method: processed.method,
            path: processed.path,
            idempotencyKey: processed.header("idempotency-key"),
            fault: fault?.action.name,
            status: nil,
            replayed: false,
            mcp: rpc
        )
        self.perform(
            processed,
            fault: fault,
            entry: entry,
            envelope: envelope,
            context: context,
            head: head,
            prepare: prepare
        )
    }
}
