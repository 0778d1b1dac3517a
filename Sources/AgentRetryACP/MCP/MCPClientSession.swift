import AgentRetry
import Logging

/// The client's side of one MCP session over Streamable HTTP: opened by `initialize` and
/// `notifications/initialized`, its `Mcp-Session-Id` and protocol version sent on every later
/// request. Only the handshake is decided here; the tool calls are the binding's.
actor MCPClientSession {
    /// An open session.
    struct Ready: Sendable, Equatable {
        /// The endpoint.
        let endpoint: String
        /// The server's session id, if it gave one (a stateless server gives none).
        let sessionID: String?
        /// The protocol version the server chose.
        let protocolVersion: String

        /// A JSON-RPC POST of `message` in this session, with the REST request's authorization.
        func post(_ message: JSONValue, like request: HTTPRequest) -> HTTPRequest {
            var headers: HTTPHeaders = [
                "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                "MCP-Protocol-Version": self.protocolVersion,
            ]
            for name in ["Authorization", "User-Agent"] {
                if let value = request.headers.first(name: name) { headers.add(name: name, value: value) }
            }
            if let sessionID { headers.add(name: "Mcp-Session-Id", value: sessionID) }
            return HTTPRequest(method: .post, url: self.endpoint, headers: headers, body: message.serialized())
        }
    }

    /// What opening gave.
    enum Opened: Sendable {
        /// The session is open.
        case ready(Ready)
        /// The server refused `initialize` with this HTTP response (a 401, say): it stands for the
        /// tool call's answer, which was not sent.
        case refused(HTTPResponse)
    }

    let configuration: ACPMCPBinding.Configuration
    private var current: Ready?

    init(configuration: ACPMCPBinding.Configuration) {
        self.configuration = configuration
    }

    /// The open session, opening one first if there is none. A failure is `notSent`: no tool
    /// call has left.
    func open(
        like request: HTTPRequest,
        through transport: any HTTPClientTransport,
        logger: Logger?
    ) async throws(HTTPTransportError) -> Opened {
        if let current { return .ready(current) }
        let opening = Ready(
            endpoint: self.configuration.endpoint,
            sessionID: nil,
            protocolVersion: self.configuration.protocolVersion
        )
        let initialize: JSONValue = [
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": [
                "protocolVersion": .string(self.configuration.protocolVersion), "capabilities": [:],
                "clientInfo": ["name": .string(self.configuration.clientName), "version": "1"],
            ],
        ]
        let response = try await self.unsent(transport, opening.post(initialize, like: request), logger: logger)
        guard response.status == 200 else { return .refused(response) }
        guard let result = Self.result(of: response) else {
            throw self.failure("the answer to initialize is not an MCP initialize result")
        }
        let ready = Ready(
            endpoint: self.configuration.endpoint,
            sessionID: response.headers.first(name: "Mcp-Session-Id"),
            protocolVersion: result["protocolVersion"]?.stringValue ?? self.configuration.protocolVersion
        )
        let initialized: JSONValue = ["jsonrpc": "2.0", "method": "notifications/initialized"]
        let acknowledged = try await self.unsent(transport, ready.post(initialized, like: request), logger: logger)
        guard (200..<300).contains(acknowledged.status) else { return .refused(acknowledged) }
        self.current = ready
        return .ready(ready)
    }

    /// Forgets `session` after the server said it does not know it (404).
    func expire(_ session: Ready) {
        if self.current == session { self.current = nil }
    }

    /// Sends a handshake request; any failure is `notSent` for the tool call.
    private func unsent(
        _ transport: any HTTPClientTransport,
        _ request: HTTPRequest,
        logger: Logger?
    ) async throws(HTTPTransportError) -> HTTPResponse {
        do {
            return try await transport.execute(request, logger: logger)
        } catch {
            guard error.failureClass != .definitive else { throw error }
            throw HTTPTransportError(
                code: error.code,
                failureClass: .notSent,
                curlCode: error.curlCode,
                message: "the MCP handshake failed, the tool call was not sent: \(error.message)",
                method: .post,
                url: self.configuration.endpoint,
                metrics: error.metrics
            )
        }
    }

    private func failure(_ message: String) -> HTTPTransportError {
        HTTPTransportError(
            code: .incompleteAnswer,
            failureClass: .notSent,
            message: "\(message); the tool call was not sent",
            method: .post,
            url: self.configuration.endpoint
        )
    }

    /// The `result` of a JSON or event-stream answer with id 0.
    static func result(of response: HTTPResponse) -> JSONValue? {
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        let messages: [JSONValue] =
            contentType.hasPrefix("text/event-stream")
            ? ServerSentEvents.data(in: response.body).compactMap { try? JSONValue(parsing: Array($0.utf8)) }
            : [(try? JSONValue(parsing: response.body))].compactMap { $0 }
        return messages.first { ACPMCPAnswer.isResponse($0, id: 0) }?["result"]
    }
}
