import AgentRetry
import AgentRetryTesting
import Foundation
import MockPaymentServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `agent-retry mcp --http 0` as a real child process, driven over real sockets by the official
/// MCP Python SDK and by plain HTTP requests, against the real mock server: sessions share one
/// service, so the same task bought from two sessions, or again after a SIGKILL, buys once.
@Suite("agent-retry mcp over Streamable HTTP", .serialized)
struct MCPHTTPServerTests {
    func start(
        _ server: MockPaymentServer,
        store: String,
        lease: Int = 3,
        _ extra: [String] = []
    ) async throws
        -> ListeningChild
    {
        try await ListeningChild.start(
            ["--server", server.baseURL, "--store", store, "--lease-seconds", String(lease), "--settle-seconds", "5"]
                + extra
        )
    }

    /// Runs the Python client with `plan`; its JSON report (the last line of its output that parses).
    static func python(_ plan: JSONValue) async throws -> JSONValue {
        // In a file: a plan with a big body is over the limit of a command line.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json")
        try Data(plan.serialized()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await PythonCheck.run(MCPHTTPClientScript.source, arguments: [file.path])
        let report = outcome.output.split(separator: "\n").reversed().lazy
            .compactMap { try? JSONValue(parsing: Array($0.utf8)) }.first
        guard outcome.status == 0, let report else {
            throw MCPChildError(message: "python exited \(outcome.status): \(outcome.output)")
        }
        return report
    }

    /// A `mcp`-mode plan: `sessions` sessions at once, each making `calls` in turn.
    static func sessions(_ url: String, _ count: Int = 1, calls: [JSONValue]) -> JSONValue {
        ["mode": "mcp", "url": .string(url), "sessions": .number(Double(count)), "calls": .array(calls)]
    }

    /// The result (`structuredContent`) of session `session`'s call `call` in a `mcp`-mode report.
    static func result(_ report: JSONValue, session: Int = 0, call: Int = 0) -> JSONValue? {
        guard let sessions = report["sessions"]?.arrayValue, sessions.indices.contains(session),
            let calls = sessions[session]["calls"]?.arrayValue, calls.indices.contains(call)
        else { return nil }
        return calls[call]["structured"]
    }

    /// A `checkout` call for `taskID`; `timeout` bounds the client's wait (seconds).
    static func checkout(_ taskID: String, timeout: Int? = nil) -> JSONValue {
        var call: [String: JSONValue] = ["tool": "checkout", "arguments": MCPServerTests.checkout(taskID)]
        if let timeout { call["timeout"] = .number(Double(timeout)) }
        return .object(call)
    }

    @Test("The Python SDK over HTTP: initialize, tools/list, a checkout and its retry in one session, one order")
    func pythonClientChecksOut() async throws {
        let key = "sk_test_HTTPDISTINCT_51c0"
        try await withMockServer { server, _ in
            let child = try await ListeningChild.start(
                ["--server", server.baseURL, "--store", CLIChild.storePath()],
                apiKey: key
            )
            #expect(child.url == "http://127.0.0.1:\(child.port)/mcp")
            #expect(child.port > 0)
            let report = try await Self.python(
                Self.sessions(child.url, calls: [Self.checkout("http-one"), Self.checkout("http-one")])
            )
            let session = try #require(report["sessions"]?.arrayValue?.first)
            #expect(session["server"] == "agent-retry")
            #expect(session["tools"] == ["checkout", "checkout_status", "pay", "refund"])
            let calls = session["calls"]?.arrayValue ?? []
            try #require(calls.count == 2, "\(report)")
            let (first, retry) = (calls[0]["structured"], calls[1]["structured"])
            #expect(first?["status"] == "completed", "\(report)")
            #expect(calls[0]["is_error"] == false)
            #expect(first?["order_id"]?.stringValue == server.orders.first?.id)
            #expect(retry?["order_id"] == first?["order_id"])
            #expect(retry?["from_store"] == true)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            child.signal(SIGTERM)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
            #expect(!child.output.contains("HTTPDISTINCT"), "the API key was printed")
        }
    }

    @Test("The same checkout from two sessions at once: the same order, one checkout session at the merchant")
    func twoSessionsAtOnce() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions", action: .latency(milliseconds: 1500), count: 1)
        ]
        try await withMockServer(configuration) { server, _ in
            let child = try await self.start(server, store: CLIChild.storePath())
            let report = try await Self.python(Self.sessions(child.url, 2, calls: [Self.checkout("http-two")]))
            let results = [0, 1].compactMap { Self.result(report, session: $0) }
            try #require(results.count == 2, "\(report)")
            #expect(results.allSatisfy { $0["status"] == "completed" }, "\(report)")
            #expect(results[0]["order_id"] == results[1]["order_id"])
            #expect(results[0]["order_id"]?.stringValue == server.orders.first?.id)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            #expect(server.createKeys.count == 1)
            child.signal(SIGTERM)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
        }
    }

    @Test("SIGKILLed while the merchant holds the complete, started again on the same store: one order")
    func killedMidCheckout() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [.heldComplete]
        try await withMockServer(configuration) { server, _ in
            let store = CLIChild.storePath()
            let first = try await self.start(server, store: store)
            let plan = Self.sessions(first.url, calls: [Self.checkout("http-kill", timeout: 40)])
            let cut = Task { try? await Self.python(plan) }
            let deadline = ContinuousClock.now + .seconds(30)
            while server.orders.isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try #require(server.orders.count == 1, "the complete never reached the merchant: \(first.output)")
            try await first.kill()
            #expect(await cut.value == nil, "the killed server answered the call")
            try await Task.sleep(for: .milliseconds(3100))  // the first run's lease (--lease-seconds 3) lapses
            let second = try await self.start(server, store: store)
            let report = try await Self.python(Self.sessions(second.url, calls: [Self.checkout("http-kill")]))
            let json = try #require(Self.result(report))
            #expect(json["status"] == "completed", "\(report)")
            #expect(json["order_id"]?.stringValue == server.orders.first?.id)
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            #expect(server.requests("POST", endingIn: "/complete").count == 1)
            second.signal(SIGTERM)
            #expect(try await second.exitStatus() == 0, "\(second.output)")
        }
    }

    @Test("SIGTERM during a call: the call finishes and is answered, then the server exits 0")
    func sigtermLetsTheCallFinish() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(
                method: "POST",
                path: "/checkout_sessions/*/complete",
                action: .latency(milliseconds: 3000),
                count: 1
            )
        ]
        try await withMockServer(configuration) { server, _ in
            // A lease longer than the held complete: the run keeps it to the end.
            let child = try await self.start(server, store: CLIChild.storePath(), lease: 30)
            let plan = Self.sessions(child.url, calls: [Self.checkout("http-term")])
            let call = Task { try await Self.python(plan) }
            let deadline = ContinuousClock.now + .seconds(30)
            while server.keysInFlight == 0 && server.orders.isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            child.signal(SIGTERM)
            let report = try await call.value
            let json = try #require(Self.result(report))
            #expect(json["status"] == "completed", "\(report)")
            #expect(json["order_id"]?.stringValue == server.orders.first?.id)
            #expect(try await child.exitStatus() == 0, "\(child.output)")
            // The signal came while the run was in flight: the shutdown began before the run ended.
            let log = child.output
            let began = try #require(log.range(of: "shutting down"), "\(log)")
            let ended = try #require(log.range(of: "task http-term: completed"), "\(log)")
            #expect(began.lowerBound < ended.lowerBound, "\(log)")
            #expect(server.orders.count == 1)
        }
    }
}
