import AgentRetry
import Foundation
import Logging

/// The demo's naive baseline: every attempt goes out under a new random idempotency key, as an
/// agent with its own retry loop does. Never for payments: it exists to show what it costs.
struct RandomKeyTransport: HTTPClientTransport {
    let base: HTTPTransport
    /// The header the key travels in.
    let headerName: String

    func execute(_ request: HTTPRequest, logger: Logger?) async throws(HTTPTransportError) -> HTTPResponse {
        var request = request
        if request.headers.first(name: self.headerName) != nil {
            request.headers.replaceOrAdd(name: self.headerName, value: UUID().uuidString.lowercased())
        }
        return try await self.base.execute(request, logger: logger)
    }
}
