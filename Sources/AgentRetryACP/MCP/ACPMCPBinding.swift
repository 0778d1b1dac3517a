import AgentRetry
import Logging
import Synchronization

/// ACP's MCP binding (2026-04-17) as a transport: each checkout operation the ``ACPClient``
/// sends is made the tool call the binding defines and sent as JSON-RPC over MCP's Streamable
/// HTTP to the merchant's endpoint, and the answer is read back into the REST response it stands
/// for. The keys, the anchors, the version negotiation, the retry decisions and the crash recovery
/// are therefore those of REST: the binding is 1:1 with REST, and only the wire differs.
///
/// The MCP session is opened on first use (`initialize`, then `notifications/initialized`) and
/// opened anew when the server answers 404 to its id (the MCP specification's "session
/// expired"), a request that the server did not process and is sent again once. A request whose
/// URL is not a checkout operation under the endpoint (a discovery document) goes over plain HTTP.
public final class ACPMCPBinding: HTTPClientTransport {
    /// Settings of the binding.
    public struct Configuration: Sendable {
        /// The merchant's MCP endpoint, such as `https://merchant.example/mcp`, without a trailing slash.
        public var endpoint: String
        /// The MCP protocol version asked for in `initialize`. Defaults to `2025-06-18`.
        public var protocolVersion: String
        /// The client's name in `initialize`. Defaults to `AgentRetry`.
        public var clientName: String

        /// Creates settings with the documented defaults.
        public init(endpoint: String, protocolVersion: String = "2025-06-18", clientName: String = "AgentRetry") {
            self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            self.protocolVersion = protocolVersion
            self.clientName = clientName
        }
    }

    /// The transport the JSON-RPC requests go through (libcurl for real traffic).
    public let transport: any HTTPClientTransport
    /// The settings.
    public let configuration: Configuration
    let session: MCPClientSession
    private let nextID = Mutex(1)

    /// Creates a binding over `transport`.
    public init(transport: any HTTPClientTransport, configuration: Configuration) {
        self.transport = transport
        self.configuration = configuration
        self.session = MCPClientSession(configuration: configuration)
    }

    /// Sends `request` as its tool call and returns the REST response the answer stands for.
    public func execute(_ request: HTTPRequest, logger: Logger?) async throws(HTTPTransportError) -> HTTPResponse {
        guard let call = ACPMCPToolCall(rest: request, endpoint: self.configuration.endpoint) else {
            return try await self.transport.execute(request, logger: logger)
        }
        var reopened = false
        while true {
            let opened = try await self.session.open(like: request, through: self.transport, logger: logger)
            let ready: MCPClientSession.Ready
            switch opened {
            case .refused(let response): return response
            case .ready(let value): ready = value
            }
            let id = self.nextID.withLock { id in
                defer { id += 1 }
                return id
            }
            var post = ready.post(call.message(id: id), like: request)
            post.timeout = request.timeout
            post.staleConnectionResend = request.staleConnectionResend
            let response = try await self.transport.execute(post, logger: logger)
            if response.status == 404, ready.sessionID != nil, !reopened {
                await self.session.expire(ready)
                reopened = true
                continue
            }
            switch ACPMCPAnswer.read(response, id: id, call: call) {
            case .response(let rest): return rest
            case .lost(let reason):
                throw HTTPTransportError(
                    code: .incompleteAnswer,
                    failureClass: .mayHaveBeenProcessed,
                    message: "\(call.tool): \(reason)",
                    method: .post,
                    url: self.configuration.endpoint,
                    wireSends: response.wireSends,
                    responseStatus: response.status,
                    metrics: response.metrics
                )
            }
        }
    }
}
