import AgentRetryTesting

/// The Python side of the Streamable HTTP tests, run by ``PythonCheck``: `mcp` drives sessions
/// with the official MCP Python SDK (PyPI `mcp`, its `streamable_http_client`); `raw` sends plain
/// HTTP requests with the standard library and reports what came back; `progress` opens a
/// session's SSE GET stream by hand, calls a tool with a progress token, and reports the
/// notifications the stream carried. The plan is a JSON file named by the first argument; each mode
/// prints one JSON object.
enum MCPHTTPClientScript {
    static let source = #"""
        import asyncio, http.client, json, socket, sys, threading, time
        from urllib.parse import urlparse

        def field(value, snake, camel):
            return getattr(value, snake, None) if hasattr(value, snake) else getattr(value, camel, None)

        async def mcp_session(url, calls):
            from mcp import ClientSession
            import mcp.client.streamable_http as streamable
            connect = getattr(streamable, "streamable_http_client", None) or streamable.streamablehttp_client
            out = {"calls": []}
            async with connect(url) as streams:
                async with ClientSession(streams[0], streams[1]) as session:
                    init = await session.initialize()
                    out["server"] = field(init, "server_info", "serverInfo").name
                    out["tools"] = [tool.name for tool in (await session.list_tools()).tools]
                    for call in calls:
                        progress = []
                        async def on_progress(value, total=None, message=None, progress=progress):
                            progress.append(message)
                        result = await session.call_tool(
                            call["tool"], call["arguments"], read_timeout_seconds=call.get("timeout"),
                            progress_callback=on_progress)
                        out["calls"].append({
                            "structured": field(result, "structured_content", "structuredContent"),
                            "is_error": bool(field(result, "is_error", "isError")),
                            "progress": progress,
                        })
            return out

        async def run_mcp(plan):
            runs = [mcp_session(plan["url"], plan["calls"]) for _ in range(plan.get("sessions", 1))]
            return {"sessions": list(await asyncio.gather(*runs))}

        def connection(url):
            parsed = urlparse(url)
            return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60), parsed.path

        def exchange(url, method, path, headers, body):
            conn, _ = connection(url)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                return {
                    "status": response.status,
                    "headers": {name.lower(): value for name, value in response.getheaders()},
                    "body": text[:4000],
                }
            except (ConnectionError, http.client.HTTPException) as error:
                return {"status": 0, "error": type(error).__name__}
            finally:
                conn.close()

        def run_raw(plan):
            results = []
            held = []
            for request in plan["requests"]:
                if request.get("hold"):
                    parsed = urlparse(plan["url"])
                    held.append(socket.create_connection((parsed.hostname, parsed.port), timeout=60))
                    results.append({"held": len(held)})
                    continue
                if request.get("release"):
                    for sock in held:
                        sock.close()
                    held.clear()
                    results.append({"released": True})
                    continue
                if request.get("idle"):
                    parsed = urlparse(plan["url"])
                    sock = socket.create_connection((parsed.hostname, parsed.port), timeout=60)
                    try:
                        results.append({"closed": sock.recv(1) == b""})
                    except socket.timeout:
                        results.append({"closed": False})
                    finally:
                        sock.close()
                    continue
                headers = dict(request.get("headers", {}))
                for name, value in list(headers.items()):
                    if isinstance(value, str) and value.startswith("$"):
                        headers[name] = results[int(value[1:])]["headers"].get("mcp-session-id", "")
                if "body_size" in request:
                    body = b" " * request["body_size"]
                elif "body" in request:
                    body = json.dumps(request["body"]).encode()
                else:
                    body = None
                method, path = request.get("method", "POST"), request.get("path", "/mcp")
                answer = exchange(plan["url"], method, path, headers, body)
                # After a release the server may not have seen the close yet: a liveness bound.
                deadline = time.time() + float(request.get("retry_seconds", 0))
                while answer.get("status") == 0 and time.time() < deadline:
                    time.sleep(0.1)
                    answer = exchange(plan["url"], method, path, headers, body)
                results.append(answer)
            return {"results": results}

        def post(url, session, message):
            headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
            if session:
                headers["Mcp-Session-Id"] = session
            conn, path = connection(url)
            conn.request("POST", path, body=json.dumps(message).encode(), headers=headers)
            response = conn.getresponse()
            return response, conn

        def sse_messages(response):
            for line in response:
                line = line.decode().strip()
                if line.startswith("data:") and line[5:].strip():
                    yield json.loads(line[5:])

        def run_progress(plan):
            url = plan["url"]
            init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
            response, conn = post(url, None, init)
            session = response.getheader("Mcp-Session-Id")
            list(sse_messages(response))
            conn.close()
            response, conn = post(url, session, {"jsonrpc": "2.0", "method": "notifications/initialized"})
            response.read()
            conn.close()
            stream, path = connection(url)
            stream.request("GET", path, headers={"Accept": "text/event-stream", "Mcp-Session-Id": session})
            get = stream.getresponse()
            notifications = []
            def read_stream():
                try:
                    for message in sse_messages(get):
                        notifications.append(message)
                except Exception:
                    pass
            threading.Thread(target=read_stream, daemon=True).start()
            call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
                "name": plan["tool"], "arguments": plan["arguments"], "_meta": {"progressToken": plan["token"]}}}
            response, conn = post(url, session, call)
            answers = list(sse_messages(response))
            conn.close()
            deadline = time.time() + 20
            def progressed():
                return any(n.get("method") == "notifications/progress" for n in notifications)
            while time.time() < deadline and not progressed():
                time.sleep(0.05)
            time.sleep(0.5)
            return {"get_status": get.status, "answers": answers, "notifications": list(notifications)}

        with open(sys.argv[1], encoding="utf-8") as file:
            plan = json.load(file)
        if plan["mode"] == "mcp":
            print(json.dumps(asyncio.run(run_mcp(plan))))
        elif plan["mode"] == "raw":
            print(json.dumps(run_raw(plan)))
        else:
            print(json.dumps(run_progress(plan)))
        """#
}
