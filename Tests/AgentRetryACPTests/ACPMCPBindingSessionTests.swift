import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

@testable import AgentRetryACP

/// The binding's MCP session over Streamable HTTP, against scripted answers: the handshake, the
/// session id on every call, a 404 reopening the session, event-stream answers, and how each
/// failure is classed.
@Suite("ACP's MCP binding: the session and the wire")
struct ACPMCPBindingSessionTests {
    static let endpoint = "http://127.0.0.1:9/mcp"

    static let initialized = ScriptedTransport.Answer.respond(
        200,
        headers: ["Content-Type": "application/json", "Mcp-Session-Id": "s-1"],
        body: #"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-03-26","capabilities":{"tools":{}}}}"#
    )
    static let acknowledged = ScriptedTransport.Answer.respond(202)

    static func session(id: Int, _ members: String = "") -> ScriptedTransport.Answer {
        .respond(
            200,
            headers: ["Content-Type": "application/json"],
            body: #"{"jsonrpc":"2.0","id":\#(id),"result":{"structuredContent":"#
                + #"{"id":"cs_1","status":"ready_for_payment"\#(members)},"content":[]}}"#
        )
    }

    static func create() -> HTTPRequest {
        HTTPRequest(
            method: .post,
            url: Self.endpoint + "/checkout_sessions",
            headers: ["Authorization": "Bearer sk_test_secret", "API-Version": "2026-04-17", "Idempotency-Key": "k1"],
            body: #"{"currency":"usd","line_items":[{"id":"item_1"}]}"#
        )
    }

    static func binding(_ script: [ScriptedTransport.Answer]) -> (ACPMCPBinding, ScriptedTransport) {
        let transport = ScriptedTransport(script)
        return (ACPMCPBinding(transport: transport, configuration: .init(endpoint: Self.endpoint)), transport)
    }

    @Test("initialize, initialized, then the call with the session id, the version and the key in meta")
    func handshake() async throws {
        let (binding, transport) = Self.binding([Self.initialized, Self.acknowledged, Self.session(id: 1)])
        let response = try await binding.execute(Self.create())
        #expect(response.status == 201)
        #expect(try JSONValue(parsing: response.body)["id"] == "cs_1")
        let sent = transport.requests
        #expect(sent.count == 3)
        let methods = try sent.map { try JSONValue(parsing: $0.body ?? [])["method"]?.stringValue }
        #expect(methods == ["initialize", "notifications/initialized", "tools/call"])
        #expect(sent.allSatisfy { $0.url == Self.endpoint && $0.method == .post })
        #expect(sent[0].headers.first(name: "Authorization") == "Bearer sk_test_secret")
        #expect(sent[2].headers.first(name: "Mcp-Session-Id") == "s-1")
        #expect(sent[2].headers.first(name: "MCP-Protocol-Version") == "2025-03-26")
        #expect(sent[2].headers.first(name: "Accept")?.contains("text/event-stream") == true)
        let meta = try JSONValue(parsing: sent[2].body ?? [])["params"]?["arguments"]?["meta"]
        #expect(meta?["idempotency_key"] == "k1")
        #expect(meta?["api_version"] == "2026-04-17")
        // The session stays open: the next call sends no handshake.
        _ = try await binding.execute(Self.create())
        #expect(transport.requests.count == 4)
    }

    @Test("A 404 to the session id opens a new session and sends the call once more")
    func expiredSession() async throws {
        let (binding, transport) = Self.binding([
            Self.initialized, Self.acknowledged, .respond(404), Self.initialized, Self.acknowledged,
            Self.session(id: 2),
        ])
        let response = try await binding.execute(Self.create())
        #expect(response.status == 201)
        #expect(transport.requests.count == 6)
    }

    @Test("A 404 after the session was opened anew is the answer, not a third try")
    func notFoundTwice() async throws {
        let (binding, transport) = Self.binding([
            Self.initialized, Self.acknowledged, .respond(404), Self.initialized, Self.acknowledged, .respond(404),
        ])
        let response = try await binding.execute(Self.create())
        #expect(response.status == 404)
        #expect(transport.requests.count == 6)
    }

    @Test("An answer as an event stream, after a notification, is read; a stream cut short may have been processed")
    func eventStream() async throws {
        let stream = """
            event: message
            data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}

            event: message
            data: {"jsonrpc":"2.0","id":1,
            data: "result":{"structuredContent":{"id":"cs_9","status":"completed"}}}


            """
        let (binding, _) = Self.binding([
            Self.initialized, Self.acknowledged,
            .respond(200, headers: ["Content-Type": "text/event-stream"], body: stream),
            .respond(200, headers: ["Content-Type": "text/event-stream"], body: "event: message\ndata: {\"jsonrpc\""),
        ])
        let response = try await binding.execute(Self.create())
        #expect(try JSONValue(parsing: response.body)["id"] == "cs_9", "\(response.bodyText)")
        let error = await #expect(throws: HTTPTransportError.self) { try await binding.execute(Self.create()) }
        #expect(error?.failureClass == .mayHaveBeenProcessed)
        #expect(error?.code == .incompleteAnswer)
    }

    @Test("A failed handshake is notSent; a refused one is the call's answer")
    func handshakeFailures() async throws {
        let (unreachable, _) = Self.binding([.fail(.curl(.couldntConnect), .notSent)])
        let error = await #expect(throws: HTTPTransportError.self) { try await unreachable.execute(Self.create()) }
        #expect(error?.failureClass == .notSent)
        let (lost, _) = Self.binding([.fail(.curl(.operationTimedOut), .mayHaveBeenProcessed)])
        let timedOut = await #expect(throws: HTTPTransportError.self) { try await lost.execute(Self.create()) }
        #expect(timedOut?.failureClass == .notSent, "no tool call left before the handshake ended")
        let (refused, transport) = Self.binding([.respond(401, body: #"{"error":{"code":"unauthorized"}}"#)])
        #expect(try await refused.execute(Self.create()).status == 401)
        #expect(transport.requests.count == 1)
        #expect(error.map { "\($0)".contains("sk_test_secret") } == false)
    }

    @Test("Tool errors and JSON-RPC errors are read by their code")
    func errorCodes() async throws {
        func answer(_ body: String) -> ScriptedTransport.Answer {
            .respond(200, headers: ["Content-Type": "application/json"], body: body)
        }
        let (binding, _) = Self.binding([
            Self.initialized, Self.acknowledged,
            answer(
                #"{"jsonrpc":"2.0","id":1,"result":{"isError":true,"structuredContent":"#
                    + #"{"type":"invalid_request","code":"idempotency_conflict","message":"m"}}}"#
            ),
            answer(
                #"{"jsonrpc":"2.0","id":2,"result":{"isError":true,"content":[{"type":"text","#
                    + #""text":"{\"type\":\"invalid_request\",\"code\":\"out_of_stock\"}"}]}}"#
            ),
            answer(#"{"jsonrpc":"2.0","id":3,"error":{"code":-32603,"message":"boom"}}"#),
            answer(#"{"jsonrpc":"2.0","id":4,"error":{"code":-32601,"message":"no such tool"}}"#),
            answer(#"{"jsonrpc":"2.0","id":5,"result":{"isError":true,"content":[{"type":"text","text":"oops"}]}}"#),
            answer("not json at all"),
        ])
        var statuses: [Int] = []
        for _ in 0..<6 { statuses.append(try await binding.execute(Self.create()).status) }
        #expect(statuses == [422, 409, 500, 404, 500, 200])
    }

    @Test("A request that is no checkout operation goes over plain HTTP")
    func passThrough() async throws {
        let (binding, transport) = Self.binding([.respond(404)])
        let discovery = HTTPRequest(method: .get, url: "http://127.0.0.1:9/.well-known/acp.json")
        #expect(try await binding.execute(discovery).status == 404)
        #expect(transport.requests.first?.url == "http://127.0.0.1:9/.well-known/acp.json")
    }
}
