import AgentRetry
import AgentRetryTesting
import MockPaymentServer
import Testing

/// The official MCP Python SDK (PyPI `mcp`, installed by `make test`) as the client of the mock
/// server's `/mcp` endpoint: what a real MCP client makes of the binding there.
@Suite("Mock server's /mcp judged by the official MCP Python SDK")
struct MCPEndpointPythonTests {
    @Test("The SDK initializes, lists the five tools, creates and completes once, and reads ACP errors as MCP errors")
    func officialSDK() async throws {
        try await withMockServer { server, _ in
            let outcome = try await PythonCheck.run(
                Self.script,
                arguments: [
                    server.baseURL + "/mcp", testKey, sessionBody(taskID: "py"),
                    completeBody(token: "spt_test_success"),
                ]
            )
            #expect(outcome.status == 0, "\(outcome.output)")
            let last = outcome.output.split(separator: "\n").last.map(String.init) ?? ""
            let json = try JSONValue(parsing: Array(last.utf8))
            #expect(json["tools"]?.arrayValue?.count == 5)
            #expect(json["status"] == "completed")
            #expect(json["same_order"] == true)
            #expect(json["conflict_code"] == "idempotency_conflict")
            #expect(json["order_id"]?.stringValue == server.orders.first?.id)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
        }
    }

    static let script = #"""
        import asyncio, json, sys
        from mcp import ClientSession
        from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
        from mcp.shared.exceptions import MCPError

        url, key, create_body, complete_body = sys.argv[1:5]

        def structured(result):
            value = getattr(result, "structured_content", None)
            return value if value is not None else getattr(result, "structuredContent", None)

        async def main():
            client = create_mcp_http_client(headers={"Authorization": "Bearer " + key})
            async with streamable_http_client(url, http_client=client) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    tools = sorted(tool.name for tool in (await session.list_tools()).tools)
                    meta = {"api_version": "2026-04-17", "idempotency_key": "py-create"}
                    created = await session.call_tool(
                        "create_checkout_session", {"meta": meta, "payload": json.loads(create_body)})
                    sid = structured(created)["id"]
                    again = await session.call_tool(
                        "create_checkout_session", {"meta": meta, "payload": json.loads(create_body)})
                    assert structured(again)["id"] == sid, "the same key opened another session"
                    done_meta = {"api_version": "2026-04-17", "idempotency_key": "py-complete"}
                    args = {"meta": done_meta, "id": sid, "payload": json.loads(complete_body)}
                    first = structured(await session.call_tool("complete_checkout_session", args))
                    second = structured(await session.call_tool("complete_checkout_session", args))
                    other = json.loads(create_body)
                    other["line_items"] = [{"id": "item_mug"}]
                    try:
                        await session.call_tool("create_checkout_session", {"meta": meta, "payload": other})
                        code = None
                    except MCPError as error:
                        data = getattr(error, "error", None)
                        data = getattr(data, "data", None) if data is not None else getattr(error, "data", None)
                        code = (data or {}).get("code")
                    print(json.dumps({
                        "tools": tools, "status": first["status"], "order_id": first["order"]["id"],
                        "same_order": first["order"]["id"] == second["order"]["id"], "conflict_code": code,
                    }))

        asyncio.run(main())
        """#
}
