import MCP

/// The MCP `Server` one client talks to: stdio's only one, or one per Streamable HTTP session.
/// Every server answers from the one ``MCPCheckoutService`` of the process, so every session shares
/// its store, its runs in flight and its spending-limit tally.
enum MCPSessionServer {
    /// A server offering `tools` over `service`, its progress sent through `routes`.
    static func make(tools: [Tool], service: MCPCheckoutService, routes: MCPProgressRoutes) async -> Server {
        let server = Server(
            name: "agent-retry",
            version: "1.0.0",
            instructions: "Payment tools that are safe to retry: " + MCPToolCatalog.retryRule,
            capabilities: .init(tools: .init(listChanged: false))
        )
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
        // Weak: the server keeps this handler, and an HTTP session's server must go when the session does.
        await server.withMethodHandler(CallTool.self) { [weak server] parameters in
            guard let server else { throw MCPError.connectionClosed }
            let token = routes.register(parameters._meta?.progressToken, for: server)
            defer { routes.forget(token) }
            return try await service.call(parameters.name, parameters.arguments, progressToken: token)
        }
        return server
    }
}
