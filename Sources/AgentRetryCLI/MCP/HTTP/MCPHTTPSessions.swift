import Foundation
import MCP

/// The Streamable HTTP sessions of `agent-retry mcp --http`: one SDK `StatefulHTTPServerTransport`
/// and one `Server` per session (`Mcp-Session-Id`), as the SDK is designed, every server answering
/// from the one shared ``MCPCheckoutService``. Checks `Host` and `Origin` before anything else,
/// routes each request to its session, opens a session on `initialize`, closes idle ones, and
/// refuses new work once shutting down.
actor MCPHTTPSessions {
    /// Makes the server of a new session.
    typealias MakeServer = @Sendable () async -> Server

    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
        /// Responses being written (a call in flight, an SSE stream).
        var open = 0
    }

    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { self.id }
    }

    let configuration: MCPHTTPConfiguration
    private let origin: OriginValidator
    private let pipeline: StandardValidationPipeline
    private let makeServer: MakeServer
    private var sessions: [String: Session] = [:]
    private var accepting = true
    /// Requests answered or being answered, SSE GET streams aside: what a shutdown waits for.
    private var active = 0

    init(configuration: MCPHTTPConfiguration, port: Int, makeServer: @escaping MakeServer) {
        self.configuration = configuration
        self.origin = configuration.originValidator(port: port)
        // The SDK's default checks, with the DNS-rebinding guard for this host and port.
        self.pipeline = StandardValidationPipeline(validators: [
            self.origin, AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(),
            ProtocolVersionValidator(), SessionValidator(),
        ])
        self.makeServer = makeServer
    }

    /// Answers `request`. Call ``finish(_:sessionID:)`` once its response has been written.
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if request.method != "GET" { self.active += 1 }
        let response = await self.route(request)
        if let id = response.headers[HTTPHeaderName.sessionID], self.sessions[id] != nil {
            self.sessions[id]?.open += 1
            self.sessions[id]?.lastUsed = .now
        }
        return response
    }

    /// `request`'s response, of session `sessionID` (its `Mcp-Session-Id`), has been written or abandoned.
    func finish(_ request: HTTPRequest, sessionID: String?) {
        if request.method != "GET" { self.active -= 1 }
        guard let sessionID, var session = self.sessions[sessionID] else { return }
        session.open = max(0, session.open - 1)
        session.lastUsed = .now
        self.sessions[sessionID] = session
    }

    private func route(_ request: HTTPRequest) async -> HTTPResponse {
        if let refused = self.origin.validate(request, context: HTTPValidationContext(httpMethod: request.method)) {
            return refused
        }
        guard request.path == self.configuration.endpoint else {
            return .error(
                statusCode: 404,
                .invalidRequest("Not Found: the MCP endpoint is \(self.configuration.endpoint)")
            )
        }
        guard self.accepting || request.method == "DELETE" else {
            return .error(statusCode: 503, .internalError("Service Unavailable: the server is shutting down"))
        }
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard let session = self.sessions[id] else {
                return .error(statusCode: 404, .invalidRequest("Not Found: Session not found or expired"))
            }
            let response = await session.transport.handleRequest(request)
            if request.method == "DELETE" && response.statusCode == 200 { await self.close(id) }
            return response
        }
        guard request.method == "POST", Self.isInitialize(request.body) else {
            return .error(statusCode: 400, .invalidRequest("Bad Request: Missing \(HTTPHeaderName.sessionID) header"))
        }
        return await self.open(request)
    }

    /// Opens a session for an `initialize` request and answers it there.
    private func open(_ request: HTTPRequest) async -> HTTPResponse {
        self.expireIdle()
        guard self.sessions.count < self.configuration.maximumSessions else {
            return .error(statusCode: 503, .internalError("Service Unavailable: too many sessions"))
        }
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(
            sessionIDGenerator: FixedSessionID(id: id),
            validationPipeline: self.pipeline
        )
        let server = await self.makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            await server.stop()
            return .error(statusCode: 500, .internalError("Internal Error: the session could not start"))
        }
        self.sessions[id] = Session(server: server, transport: transport, lastUsed: .now)
        let response = await transport.handleRequest(request)
        if case .error = response { await self.close(id) }
        return response
    }

    private func close(_ id: String) async {
        guard let session = self.sessions.removeValue(forKey: id) else { return }
        await session.server.stop()
    }

    /// Closes the sessions with nothing open that were not used for the session idle timeout.
    func expireIdle() {
        let deadline = ContinuousClock.now - self.configuration.sessionIdleTimeout
        for (id, session) in self.sessions where session.open == 0 && session.lastUsed < deadline {
            self.sessions[id] = nil
            Task { await session.server.stop() }
        }
    }

    /// Refuses new requests (503; DELETE still ends a session) and waits until every request
    /// being answered has its response written: the calls in flight finish and are answered.
    func stopAccepting() async {
        self.accepting = false
        while self.active > 0 { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Closes every session: their SSE streams end.
    func closeAll() async {
        for id in self.sessions.keys { await self.close(id) }
    }

    /// Whether `body` is a JSON-RPC `initialize` request.
    static func isInitialize(_ body: Data?) -> Bool {
        guard let body, let message = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return false
        }
        return message["method"] as? String == "initialize" && message["id"] != nil
    }
}
