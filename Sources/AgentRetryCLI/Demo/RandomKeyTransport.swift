import AgentRetry
import Foundation
import Logging

/// The demo's naive baseline: every attempt goes out under a new random idempotency key, as an
/// agent with its own retry loop does. Never for payments: it exists to show what it costs. Over
/// ACP's MCP binding the key travels in the tool call's `meta.idempotency_key`, replaced the same way.
struct RandomKeyTransport: HTTPClientTransport {
    let base: HTTPTransport
    /// The header the key travels in.
    let headerName: String

    func execute(_ request: HTTPRequest, logger: Logger?) async throws(HTTPTransportError) -> HTTPResponse {
        var request = request
        if request.headers.first(name: self.headerName) != nil {
            request.headers.replaceOrAdd(name: self.headerName, value: UUID().uuidString.lowercased())
        }
        if let body = request.body, var message = try? JSONValue(parsing: body),
            case .object(var params)? = message["params"], case .object(var arguments)? = params["arguments"],
            case .object(var meta)? = arguments["meta"], meta["idempotency_key"] != nil
        {
            meta["idempotency_key"] = .string(UUID().uuidString.lowercased())
            arguments["meta"] = .object(meta)
            params["arguments"] = .object(arguments)
            if case .object(var members) = message {
                members["params"] = .object(params)
                message = .object(members)
            }
            request.body = message.serialized()
        }
        return try await self.base.execute(request, logger: logger)
    }
}
