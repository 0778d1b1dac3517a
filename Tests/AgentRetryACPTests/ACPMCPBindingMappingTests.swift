import AgentRetry
import Foundation
import Testing

@testable import AgentRetryACP

/// ACP's MCP binding read both ways against the spec's own examples (2026-04-17,
/// `examples.mcp.agentic_checkout.json`): each REST operation becomes the example's tool call, and
/// each example answer the REST response it stands for.
@Suite("ACP's MCP binding: the spec's examples, both ways")
struct ACPMCPBindingMappingTests {
    static let endpoint = "https://merchant.example/mcp"

    static func examples() throws -> [String: JSONValue] {
        let url = try #require(Bundle.module.resourceURL)
            .appendingPathComponent("acp-examples/2026-04-17/examples.mcp.agentic_checkout.json")
        return try #require(try JSONValue(parsing: [UInt8](Data(contentsOf: url))).objectValue)
    }

    /// The REST request an example tool call stands for, as the ACP client builds it.
    static func restRequest(for call: JSONValue) throws -> HTTPRequest {
        let arguments = try #require(call["params"]?["arguments"])
        let tool = try #require(call["params"]?["name"]?.stringValue)
        let id = arguments["id"]?.stringValue ?? ""
        let (method, path): (HTTPMethod, String) =
            switch tool {
            case "create_checkout_session": (.post, "/checkout_sessions")
            case "get_checkout_session": (.get, "/checkout_sessions/\(id)")
            case "update_checkout_session": (.post, "/checkout_sessions/\(id)")
            case "complete_checkout_session": (.post, "/checkout_sessions/\(id)/complete")
            default: (.post, "/checkout_sessions/\(id)/cancel")
            }
        var headers: HTTPHeaders = ["Authorization": "Bearer sk_test_secret"]
        let meta = arguments["meta"]?.objectValue ?? [:]
        let names = ["api_version": "API-Version", "idempotency_key": "Idempotency-Key", "user_agent": "User-Agent"]
        for (field, header) in names {
            if let value = meta[field]?.stringValue { headers.add(name: header, value: value) }
        }
        return HTTPRequest(
            method: method,
            url: Self.endpoint + path,
            headers: headers,
            body: arguments["payload"].map { $0.serialized() }
        )
    }

    @Test(
        "Each REST operation is the example's tool call",
        arguments: ["create", "get", "update", "complete", "cancel"]
    )
    func requests(_ operation: String) throws {
        let example = try #require(try Self.examples()["\(operation)_checkout_session_request"])
        let call = try #require(ACPMCPToolCall(rest: try Self.restRequest(for: example), endpoint: Self.endpoint))
        let id = try #require(example["id"]?.integerValue)
        #expect(call.message(id: id) == example)
        #expect(call.isCreate == (operation == "create"))
    }

    @Test(
        "Each example answer is the REST response: 201 for create, 200 otherwise, the session as body",
        arguments: ["create", "get", "update", "complete", "cancel"]
    )
    func responses(_ operation: String) throws {
        let examples = try Self.examples()
        let request = try #require(examples["\(operation)_checkout_session_request"])
        let answer = try #require(examples["\(operation)_checkout_session_response"])
        let call = try #require(ACPMCPToolCall(rest: try Self.restRequest(for: request), endpoint: Self.endpoint))
        let http = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: answer.serialized())
        let id = try #require(answer["id"]?.integerValue)
        guard case .response(let rest) = ACPMCPAnswer.read(http, id: id, call: call) else {
            Issue.record("the answer was read as lost")
            return
        }
        #expect(rest.status == (operation == "create" ? 201 : 200))
        #expect(try JSONValue(parsing: rest.body) == answer["result"])
        let session = try CheckoutSession(parsing: rest.body)
        #expect(session.id == "checkout_session_123")
    }

    @Test("The example errors keep their ACP error: a missing field is rejected, a decline is declined")
    func errors() throws {
        let examples = try Self.examples()
        let create = try #require(examples["create_checkout_session_request"])
        let call = try #require(ACPMCPToolCall(rest: try Self.restRequest(for: create), endpoint: Self.endpoint))
        for (key, id, status) in [("error_invalid_request", 6, 400), ("error_payment_declined", 7, 402)] {
            let example = try #require(examples[key])
            let http = HTTPResponse(status: 200, headers: [:], body: example.serialized())
            guard case .response(let rest) = ACPMCPAnswer.read(http, id: id, call: call) else {
                Issue.record("\(key) was read as lost")
                continue
            }
            #expect(rest.status == status, "\(key)")
            #expect(try JSONValue(parsing: rest.body) == example["error"]?["data"])
        }
        let declined = ErrorResponseBody(parsing: Array(#"{"type":"processing_error","code":"payment_declined"}"#.utf8))
        #expect(CheckoutRefusal.status(status: 402, body: declined) == .declined)
        let missing = ErrorResponseBody(
            parsing: Array(#"{"type":"invalid_request","code":"missing_required_field","param":"$.payload"}"#.utf8)
        )
        #expect(CheckoutRefusal.status(status: 400, body: missing) == .rejected)
    }

    @Test("A URL that is no checkout operation under the endpoint is not a tool call")
    func notToolCalls() {
        let discovery = HTTPRequest(method: .get, url: "https://merchant.example/.well-known/acp.json")
        #expect(ACPMCPToolCall(rest: discovery, endpoint: Self.endpoint) == nil)
        let elsewhere = HTTPRequest(method: .post, url: Self.endpoint + "/checkout_sessionsX", body: "{}")
        #expect(ACPMCPToolCall(rest: elsewhere, endpoint: Self.endpoint) == nil)
        let deep = HTTPRequest(method: .post, url: Self.endpoint + "/checkout_sessions/cs_1/refund", body: "{}")
        #expect(ACPMCPToolCall(rest: deep, endpoint: Self.endpoint) == nil)
        let encoded = HTTPRequest(method: .get, url: Self.endpoint + "/checkout_sessions/cs%2F1")
        #expect(ACPMCPToolCall(rest: encoded, endpoint: Self.endpoint)?.sessionID == "cs/1")
    }
}
