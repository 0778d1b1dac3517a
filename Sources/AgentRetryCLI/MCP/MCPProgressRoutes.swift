import Foundation
import MCP
import Synchronization

/// Routes the shared ``MCPCheckoutService``'s progress to the session that asked for it. Every
/// server (stdio's one, or one per HTTP session) shares one service, and two sessions may use the
/// same progress token: each call's token is swapped for a token of its own, unique in this process,
/// that remembers the server and the token the client chose.
final class MCPProgressRoutes: Sendable {
    private struct Route {
        let server: Server
        let token: ProgressToken
    }

    private let routes = Mutex<[String: Route]>([:])

    /// The token the service should use for a call to `server` that carries `token` (`nil` for
    /// none); ``forget(_:)`` it when the call returns.
    func register(_ token: ProgressToken?, for server: Server) -> ProgressToken? {
        guard let token else { return nil }
        let id = "agent-retry-\(UUID().uuidString)"
        self.routes.withLock { $0[id] = Route(server: server, token: token) }
        return .string(id)
    }

    /// Drops a token from ``register(_:for:)``: its call has returned.
    func forget(_ token: ProgressToken?) {
        guard case .string(let id)? = token else { return }
        _ = self.routes.withLock { $0.removeValue(forKey: id) }
    }

    /// Sends a progress notification for a token from ``register(_:for:)`` to its server, with
    /// the client's own token; a token whose call has returned is dropped.
    func notify(_ token: ProgressToken, progress: Double, message: String) async {
        guard case .string(let id) = token, let route = self.routes.withLock({ $0[id] }) else { return }
        try? await route.server.notify(
            ProgressNotification.message(.init(progressToken: route.token, progress: progress, message: message))
        )
    }
}
