import NIOCore
import NIOHTTP1

extension MockHTTPHandler {
    /// A request to `/mcp`. A tool call is processed as the REST request it maps to: its fault is
    /// decided on the REST method and path (so one rule covers both wires), its journal entry
    /// carries them, and its answer goes back through the call's envelope. Every other message is
    /// answered by the endpoint, its fault decided on `POST /mcp`.
    func handleMCP(_ request: MockRequest, context: ChannelHandlerContext, head: HTTPRequestHead) {
        switch self.core.readMCP(request) {
        case .answer(let response, let rpc):
            let fault = self.core.faults.decide(method: request.method, path: request.path)
            let entry = JournalEntry(
                method: request.method,
                path: request.path,
                idempotencyKey: nil,
                fault: fault?.action.name,
                status: nil,
                replayed: false,
                mcp: rpc
            )
            self.perform(request, fault: fault, entry: entry, envelope: nil, context: context, head: head) {
                .respond(response, replayed: false)
            }
        case .toolRefusal(let refusal, let envelope):
            let fault = self.core.faults.decide(method: request.method, path: request.path)
            let entry = JournalEntry(
                method: request.method,
                path: request.path,
                idempotencyKey: nil,
                fault: fault?.action.name,
                status: nil,
                replayed: false,
                mcp: "tools/call \(envelope.tool.rawValue)"
            )
            self.perform(request, fault: fault, entry: entry, envelope: envelope, context: context, head: head) {
                .respond(refusal, replayed: false)
            }
        case .toolCall(let rest, let envelope):
            let fault = self.core.faults.decide(method: rest.method, path: rest.path)
            let entry = JournalEntry(
                method: rest.method,
                path: rest.path,
                idempotencyKey: rest.header("idempotency-key"),
                fault: fault?.action.name,
                status: nil,
                replayed: false,
                mcp: "tools/call \(envelope.tool.rawValue)"
            )
            self.perform(rest, fault: fault, entry: entry, envelope: envelope, context: context, head: head) {
                self.core.prepare(rest)
            }
        }
    }
}
