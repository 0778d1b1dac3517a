import AgentRetry
import MockPaymentServer
import Testing

/// The mock server's `/mcp` endpoint: ACP 2026-04-17's MCP binding over Streamable HTTP, on a real
/// socket, with REST's idempotency, faults and ledger.
@Suite("Mock server: ACP's MCP binding at /mcp")
struct MCPEndpointTests {
    static func create(_ client: MCPEndpointClient, key: String?, task: String = "mcp-1") async throws -> JSONValue {
        try await client.call(
            "create_checkout_session",
            MCPEndpointClient.arguments(key: key, payload: sessionBody(taskID: task))
        )
    }

    static func setMCP(_ server: MockPaymentServer, _ transport: HTTPTransport, _ mcp: JSONValue) async throws {
        let body: JSONValue = ["mcp": mcp]
        let request = HTTPRequest(
            method: .post,
            url: server.baseURL + "/__admin/merchant",
            headers: ["Content-Type": "application/json"],
            body: body.serialized()
        )
        let response = try await transport.execute(request)
        #expect(response.status == 200, "\(response.bodyText)")
    }

    @Test("initialize opens a session; tools/list gives the binding's five tools with their required arguments")
    func handshake() async throws {
        try await withMockServer { server, transport in
            let client = try await MCPEndpointClient.open(server, transport)
            let listed = try MCPEndpointClient.message(
                try await client.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"])
            )
            let tools = listed["result"]?["tools"]?.arrayValue ?? []
            #expect(
                tools.compactMap { $0["name"]?.stringValue }.sorted() == [
                    "cancel_checkout_session", "complete_checkout_session", "create_checkout_session",
                    "get_checkout_session", "update_checkout_session",
                ]
            )
            let complete = tools.first { $0["name"] == "complete_checkout_session" }
            #expect(complete?["inputSchema"]?["required"] == ["meta", "id", "payload"])
            let pong = try MCPEndpointClient.message(
                try await client.post(["jsonrpc": "2.0", "id": 3, "method": "ping"])
            )
            #expect(pong["result"] == [:])
            #expect(
                server.journal.compactMap(\.mcp) == ["initialize", "notifications/initialized", "tools/list", "ping"]
            )
        }
    }

    @Test("Requests outside a session, of the wrong media type or method are refused with the HTTP status MCP names")
    func refusals() async throws {
        try await withMockServer { server, transport in
            var client = MCPEndpointClient(server: server, transport: transport)
            let list: JSONValue = ["jsonrpc": "2.0", "id": 2, "method": "tools/list"]
            #expect(try await client.post(list).status == 400)
            client.sessionID = "mcp-unknown"
            let unknown = try await client.post(list)
            #expect(unknown.status == 404)
            #expect(try MCPEndpointClient.message(unknown)["error"]?["code"] == -32001)
            let open = try await MCPEndpointClient.open(server, transport)
            #expect(try await transport.execute(open.request(list, accept: "text/html")).status == 406)
            var wrongType = open.request(list)
            wrongType.headers.replaceOrAdd(name: "Content-Type", value: "text/plain")
            #expect(try await transport.execute(wrongType).status == 415)
            var garbled = open.request(list)
            garbled.body = Array("{not json".utf8)
            let parse = try await transport.execute(garbled)
            #expect(parse.status == 400)
            #expect(try MCPEndpointClient.message(parse)["error"]?["code"] == -32700)
            let get = try await transport.execute(
                HTTPRequest(url: open.endpoint, headers: ["Accept": "text/event-stream"])
            )
            #expect(get.status == 405)
            var end = open.request(list)
            end.method = .delete
            end.body = nil
            #expect(try await transport.execute(end).status == 200)
            #expect(try await open.post(list).status == 404)
            var anonymous = MCPEndpointClient(server: server, transport: transport).request(
                MCPEndpointClient.initialize
            )
            anonymous.headers.remove(name: "Authorization")
            let unauthorized = try await transport.execute(anonymous)
            #expect(unauthorized.status == 401)
            #expect(server.journal.filter { $0.mcp == "initialize" }.count == 1)
        }
    }

    @Test("A tool call is processed as its REST operation: same key, same session; one order for complete twice")
    func idempotentTools() async throws {
        try await withMockServer { server, transport in
            let client = try await MCPEndpointClient.open(server, transport)
            let created = try await Self.create(client, key: "mcp-create-1")
            let session = created["result"]?["structuredContent"]
            let id = try #require(session?["id"]?.stringValue)
            #expect(created["result"]?["isError"] == false)
            let text = created["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            #expect(try JSONValue(parsing: Array(text.utf8)) == session)
            let again = try await Self.create(client, key: "mcp-create-1")
            #expect(again["result"]?["structuredContent"]?["id"]?.stringValue == id)
            #expect(server.sessionsCreated == 1)
            let complete = try MCPEndpointClient.arguments(
                key: "mcp-complete-1",
                id: id,
                payload: completeBody(token: "spt_test_success")
            )
            let first = try await client.call("complete_checkout_session", complete, id: 4)
            let second = try await client.call("complete_checkout_session", complete, id: 5)
            #expect(first["result"]?["structuredContent"]?["status"] == "completed")
            #expect(second["id"] == 5)
            #expect(second["result"]?["structuredContent"]?["order"] == first["result"]?["structuredContent"]?["order"])
            #expect(server.orders.count == 1)
            let got = try await client.call(
                "get_checkout_session",
                MCPEndpointClient.arguments(key: nil, id: id),
                id: 6
            )
            #expect(got["result"]?["structuredContent"]?["status"] == "completed")
            let entries = server.journal.filter { $0.mcp == "tools/call complete_checkout_session" }
            #expect(entries.map(\.path) == ["/checkout_sessions/\(id)/complete", "/checkout_sessions/\(id)/complete"])
            #expect(entries.map(\.replayed) == [false, true])
            #expect(entries.map(\.idempotencyKey) == ["mcp-complete-1", "mcp-complete-1"])
        }
    }

    @Test("ACP errors are JSON-RPC -32000 with the ACP error as data: a reused key with another payload, a missing key")
    func acpErrors() async throws {
        try await withMockServer { server, transport in
            let client = try await MCPEndpointClient.open(server, transport)
            _ = try await Self.create(client, key: "mcp-k")
            let reused = try await Self.create(client, key: "mcp-k", task: "another")
            #expect(reused["error"]?["code"] == -32000)
            #expect(reused["error"]?["data"]?["code"] == "idempotency_conflict")
            let keyless = try await Self.create(client, key: nil)
            #expect(keyless["error"]?["data"]?["code"] == "idempotency_key_required")
            #expect(keyless["error"]?["data"]?["param"] == "$.meta.idempotency_key")
            let noID = try await client.call(
                "complete_checkout_session",
                MCPEndpointClient.arguments(key: "k2", payload: "{}")
            )
            #expect(noID["error"]?["data"]?["param"] == "$.id")
            let unknownTool = try await client.call("refund_everything", [:])
            #expect(unknownTool["error"]?["code"] == -32602)
            #expect(server.sessionsCreated == 1)
        }
    }

    @Test("Told that the key is optional, a write without one is processed each time it arrives")
    func optionalKey() async throws {
        try await withMockServer { server, transport in
            try await Self.setMCP(server, transport, ["requires_idempotency_key": false])
            let client = try await MCPEndpointClient.open(server, transport)
            let first = try await Self.create(client, key: nil)
            let second = try await Self.create(client, key: nil)
            #expect(first["result"]?["structuredContent"]?["id"] != second["result"]?["structuredContent"]?["id"])
            #expect(server.sessionsCreated == 2)
        }
    }

    @Test("The other ways servers answer: a bare result, isError tool results, an event stream")
    func behaviours() async throws {
        try await withMockServer { server, transport in
            try await Self.setMCP(
                server,
                transport,
                ["results": "bare", "errors": "tool_error", "encoding": "event_stream"]
            )
            let client = try await MCPEndpointClient.open(server, transport)
            let response = try await client.post(
                MCPEndpointClient.callMessage(
                    "create_checkout_session",
                    try MCPEndpointClient.arguments(key: "mcp-b", payload: sessionBody())
                )
            )
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
            #expect(response.bodyText.hasPrefix("event: message\ndata: {"))
            let created = try MCPEndpointClient.message(response)
            #expect(created["result"]?["status"]?.stringValue != nil)
            #expect(created["result"]?["content"] == nil)
            let conflict = try await Self.create(client, key: "mcp-b", task: "other")
            #expect(conflict["result"]?["isError"] == true)
            #expect(conflict["result"]?["structuredContent"]?["code"] == "idempotency_conflict")
            let invalid = try await client.post(["jsonrpc": "2.0", "id": 9, "method": "mcp/unknown"])
            #expect(try MCPEndpointClient.message(invalid)["error"]?["code"] == -32601)
        }
    }

    @Test("A fault on a tool call loses the answer after the effect; the same call again is answered from the record")
    func faults() async throws {
        try await withMockServer { server, transport in
            let client = try await MCPEndpointClient.open(server, transport)
            server.addFaults([FaultRule(method: "POST", path: "/checkout_sessions", action: .dropAfterCommit, count: 1)]
            )
            await #expect(throws: HTTPTransportError.self) { _ = try await Self.create(client, key: "mcp-drop") }
            #expect(server.sessionsCreated == 1)
            let again = try await Self.create(client, key: "mcp-drop")
            let id = try #require(again["result"]?["structuredContent"]?["id"]?.stringValue)
            #expect(server.checkoutSessionsByTask["mcp-1"] == [id])
            server.addFaults([FaultRule(path: "/checkout_sessions/*/complete", action: .statusAfterCommit(status: 500))]
            )
            let complete = try MCPEndpointClient.arguments(
                key: "mcp-c",
                id: id,
                payload: completeBody(token: "spt_test_success")
            )
            let failed = try await client.call("complete_checkout_session", complete)
            #expect(failed["error"]?["data"]?["type"] == "processing_error")
            #expect(server.orders.count == 1)
            server.clearFaults()
            let done = try await client.call("complete_checkout_session", complete)
            #expect(done["result"]?["structuredContent"]?["status"] == "completed")
            #expect(server.orders.count == 1)
            let faulted = server.journal.filter { $0.fault != nil }
            #expect(
                faulted.map(\.mcp) == ["tools/call create_checkout_session", "tools/call complete_checkout_session"]
            )
        }
    }

    @Test("A merchant speaking only versions before 2026-04-17 has no MCP endpoint")
    func olderMerchant() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.acpVersions = ["2026-01-30"]
        try await withMockServer(configuration) { server, transport in
            let client = MCPEndpointClient(server: server, transport: transport)
            let response = try await client.post(MCPEndpointClient.initialize)
            #expect(response.status == 404)
        }
    }
}
