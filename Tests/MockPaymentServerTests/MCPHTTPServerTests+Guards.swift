import AgentRetry
import Foundation
import MockPaymentServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MCPHTTPServerTests {
    /// The headers of a Streamable HTTP POST, with `extra` added.
    static func post(_ extra: [String: JSONValue] = [:]) -> JSONValue {
        var headers: [String: JSONValue] = [
            "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
        ]
        headers.merge(extra) { _, new in new }
        return .object(headers)
    }

    /// An `initialize` request; `padding` characters in an experimental capability make it big.
    static func initialize(padding: Int = 0) -> JSONValue {
        var capabilities: JSONValue = [:]
        if padding > 0 { capabilities = ["experimental": ["pad": .string(String(repeating: "x", count: padding))]] }
        return [
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": [
                "protocolVersion": "2025-06-18", "capabilities": capabilities,
                "clientInfo": ["name": "raw", "version": "1"],
            ],
        ]
    }

    static let listTools: JSONValue = ["jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": [:]]

    /// Sends `requests` in turn, each on a connection of its own; what each got (`status`, `headers`).
    static func raw(_ url: String, _ requests: [JSONValue]) async throws -> [JSONValue] {
        let report = try await Self.python(["mode": "raw", "url": .string(url), "requests": .array(requests)])
        return report["results"]?.arrayValue ?? []
    }

    @Test("Foreign Origin or Host is refused, an oversized body is 413, an unknown session 404; nothing is bought")
    func refusals() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath())
            let port = child.port
            let results = try await Self.raw(
                child.url,
                [
                    ["headers": Self.post(), "body": Self.initialize()],
                    ["headers": Self.post(["Origin": "http://evil.example"]), "body": Self.initialize()],
                    ["headers": Self.post(["Host": .string("evil.example:\(port)")]), "body": Self.initialize()],
                    ["headers": Self.post(["Origin": .string("http://localhost:\(port)")]), "body": Self.initialize()],
                    ["headers": Self.post(), "body_size": .number(Double(2 << 20))],
                    ["headers": Self.post(), "body_size": .number(Double((1 << 20) + 1))],
                    ["headers": Self.post(), "body": Self.initialize(padding: 900_000)],
                    ["headers": Self.post(["Mcp-Session-Id": "no-such-session"]), "body": Self.listTools],
                    ["headers": Self.post(), "body": Self.listTools],
                    ["headers": Self.post(), "body": Self.initialize(), "path": "/elsewhere"],
                    [
                        "headers": Self.post(["Mcp-Session-Id": "$0", "Origin": "http://evil.example"]),
                        "body": Self.listTools,
                    ],
                    ["method": "DELETE", "headers": ["Mcp-Session-Id": "$0"]],
                    ["headers": Self.post(["Mcp-Session-Id": "$0"]), "body": Self.listTools],
                ]
            )
            let statuses = results.map { $0["status"]?.integerValue ?? -1 }
            #expect(statuses == [200, 403, 421, 200, 413, 413, 200, 404, 400, 404, 403, 200, 404], "\(results)")
            #expect(results.first?["headers"]?["mcp-session-id"]?.stringValue?.isEmpty == false)
            #expect(results.first?["body"]?.stringValue?.contains("agent-retry") == true)
            #expect(results[4]["headers"]?["connection"] == "close")
            #expect(server.journal.isEmpty)
            child.signal(SIGINT)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
        }
    }

    @Test("Progress reaches the session that asked, on its SSE stream, under the client's own token")
    func progressOnTheSessionStream() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath())
            let report = try await Self.python([
                "mode": "progress", "url": .string(child.url), "tool": "checkout",
                "arguments": MCPServerTests.checkout("http-progress"), "token": "client-token-7",
            ])
            #expect(report["get_status"] == 200, "\(report)")
            let answer = report["answers"]?.arrayValue?.first { $0["id"] == 2 }
            #expect(answer?["result"]?["structuredContent"]?["status"] == "completed", "\(report)")
            let progress = (report["notifications"]?.arrayValue ?? []).filter {
                $0["method"] == "notifications/progress"
            }
            #expect(!progress.isEmpty, "\(report)")
            #expect(progress.allSatisfy { $0["params"]?["progressToken"] == "client-token-7" }, "\(progress)")
            #expect(server.orders.count == 1)
            child.signal(SIGTERM)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
        }
    }

    @Test("A connection that sends nothing is closed after --http-idle-timeout")
    func idleConnectionClosed() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath(), ["--http-idle-timeout", "1"])
            let results = try await Self.raw(
                child.url,
                [["idle": true], ["headers": Self.post(), "body": Self.initialize()]]
            )
            #expect(results.first?["closed"] == true, "\(results)")
            #expect(results.last?["status"] == 200, "the server stopped serving: \(results)")
            child.signal(SIGTERM)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
        }
    }

    @Test("--http-max-connections: one connection more is closed unread; the server serves again once one closes")
    func connectionLimit() async throws {
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath(), ["--http-max-connections", "2"])
            let initialize: JSONValue = ["headers": Self.post(), "body": Self.initialize()]
            let results = try await Self.raw(
                child.url,
                [
                    ["hold": true], ["hold": true], initialize, ["release": true],
                    ["headers": Self.post(), "body": Self.initialize(), "retry_seconds": 20],
                ]
            )
            #expect(results[2]["status"] == 0, "a third connection was served: \(results)")
            #expect(results[4]["status"] == 200, "the server stopped serving: \(results)")
            child.signal(SIGTERM)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
        }
    }

    @Test("--http binds loopback only: another 127/8 address serves, 0.0.0.0 and host names are refused")
    func loopbackOnly() async throws {
        for host in ["0.0.0.0", "::", "localhost", "example.com"] {
            let (status, message) = try await Self.usage(["--http", "0", "--http-host", host])
            #expect(status == 2, "--http-host \(host)")
            #expect(message.contains("not a loopback address"), "\(message)")
        }
        let (status, message) = try await Self.usage(["--http-host", "127.0.0.1"])
        #expect(status == 2)
        #expect(message.contains("go with --http"), "\(message)")
        try await withMockServer { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath(), ["--http-host", "127.0.0.2"])
            #expect(child.url == "http://127.0.0.2:\(child.port)/mcp")
            let results = try await Self.raw(child.url, [["headers": Self.post(), "body": Self.initialize()]])
            #expect(results.first?["status"] == 200, "\(results)")
            let taken = try CLIChild.start(
                executable: CLIChild.executable,
                [
                    "mcp", "--http", String(child.port), "--http-host", "127.0.0.2", "--server", server.baseURL,
                    "--store", CLIChild.storePath(),
                ],
                environment: ["AGENT_RETRY_API_KEY": testKey]
            )
            #expect(try await taken.finish().status == 1, "the port is taken")
            let message = String(decoding: taken.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(message.contains("cannot listen on 127.0.0.2:\(child.port)"), "\(message)")
            child.signal(SIGTERM)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
        }
    }

    /// Runs `agent-retry mcp ARGUMENTS` that should stop at a usage error; its status and standard error.
    static func usage(_ arguments: [String]) async throws -> (Int32, String) {
        let child = try CLIChild.start(
            ["mcp"] + arguments + ["--server", "http://127.0.0.1:9", "--store", CLIChild.storePath()]
        )
        let (status, _) = try await child.finish()
        return (status, String(decoding: child.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
