import AgentRetry
import AgentRetryTesting
import InMemoryLogging
import Logging
import Metrics
import MetricsTestKit
import Testing

@Suite("Logs and metrics tell what happened and never carry secrets")
struct TransportObservabilityTests {
    @Test("Debug logs name the request, status and sends, never a header value or a body")
    func logsCarryNoSecrets() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test", factory: { _ in handler })
        logger.logLevel = .debug
        try await withServerAndTransport { server, transport in
            var request = HTTPRequest(
                method: .post,
                url: "\(server.baseURL)/echo",
                body: "card_number=4242424242424242"
            )
            request.headers.add(name: "Authorization", value: "Bearer sk_test_logsecret")
            _ = try await transport.execute(request, logger: logger)
            request.url = "\(server.baseURL)/drop"
            _ = try? await transport.execute(request, logger: logger)
        }
        let entries = handler.entries
        #expect(entries.count == 2)
        #expect(entries.first?.metadata["http.status"] == "200")
        #expect(entries.last?.metadata["error.class"] == "mayHaveBeenProcessed")
        for entry in entries {
            let text = "\(entry.message) \(entry.metadata)"
            #expect(text.contains("/echo") || text.contains("/drop"))
            #expect(!text.contains("sk_test_logsecret"))
            #expect(!text.contains("4242424242424242"))
        }
    }

    @Test("Counters record outcomes by class, every send, and every hidden re-send")
    func countersRecordSends() async throws {
        let metrics = TestMetrics()
        let server = try await FaultyHTTPServer.start()
        let transport = withMetricsFactory(metrics) { HTTPTransport() }
        var resend = HTTPRequest(method: .post, url: "\(server.baseURL)/drop-on-reused", body: "a=1")
        resend.staleConnectionResend = .always
        _ = try await transport.execute(HTTPRequest(url: "\(server.baseURL)/ok"))
        _ = try await transport.execute(resend)
        _ = try? await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/drop", body: "a=1"))
        await transport.shutdown()
        try await server.shutdown()

        let label = "agentretry_transport_requests_total"
        #expect(metrics.counterTotal(label: label, dimensions: [("outcome", "response")]) == 2)
        #expect(metrics.counterTotal(label: label, dimensions: [("outcome", "mayHaveBeenProcessed")]) == 1)
        #expect(metrics.counterTotal(label: "agentretry_transport_wire_sends_total") == 4)
        #expect(metrics.counterTotal(label: "agentretry_transport_resends_total") == 1)
    }
}
