import AgentRetry
import Foundation
import MockPaymentServer
import Testing

/// The mock merchant sends ACP order webhooks under faults (30% duplicates, reordering, wrong
/// secrets, hour-old timestamps) to a real `agent-retry webhooks listen` child, which is SIGKILLed
/// with its consumer mid-delivery and restarted on the same port and store: every event reaches the
/// consumer exactly once, none is lost, and no order moves back.
@Suite("Mock-sent webhooks reach the consumer exactly once across a killed receiver", .serialized)
struct WebhooksEndToEndTests {
    static let orders = 6
    static let statuses = ["confirmed", "shipped", "completed"]

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Creates and completes a checkout for `task` (order_create), then moves the order through
    /// ``statuses`` (one order_update each).
    static func order(task: String, _ server: MockPaymentServer, _ transport: HTTPTransport) async throws {
        let created = try await transport.execute(
            acpPost(server, "/checkout_sessions", sessionBody(taskID: task), key: "create-\(task)")
        )
        let session = try #require(created.json["id"]?.stringValue)
        let done = try await transport.execute(
            acpPost(
                server,
                "/checkout_sessions/\(session)/complete",
                completeBody(token: "spt_test_success"),
                key: "complete-\(task)"
            )
        )
        let order = try #require(done.json["order"]?["id"]?.stringValue)
        for status in Self.statuses {
            let moved = try await transport.execute(
                adminRequest(server, "/__admin/orders/\(order)/status", body: #"{"status": "\#(status)"}"#)
            )
            #expect(moved.status == 200)
        }
    }

    @Test(arguments: ["sqlite", "postgres"])
    func everyEventReachesTheConsumerExactlyOnce(kind: String) async throws {
        let store = try await ReconcileCLITests.newStore(kind)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let paths = ["log", "done", "slow"].map { directory.appendingPathComponent($0).path }
        let (log, done, slow) = (paths[0], paths[1], paths[2])
        let command = """
            key=$AGENT_RETRY_WEBHOOK_DEDUP_KEY; echo "start $key $AGENT_RETRY_WEBHOOK_ATTEMPT $$" >> \(log); \
            cat > /dev/null; while [ -e \(slow) ]; do sleep 0.05; done; echo "$key" >> \(done)
            """
        let options = ["--exec", command, "--exec-timeout", "2", "--retry-initial", "0.05"]
        var child = try await WebhooksCLITests.listen(store: store, options)
        let port = child.port
        try await withMockServer { server, transport in
            let faults: JSONValue = [
                "duplicate_rate": 0.3, "reorder": true, "reorder_window": 4, "wrong_secret_rate": 0.1,
                "old_timestamp_rate": 0.1, "delay_ms": 20, "seed": 16,
            ]
            let registered = try await registerWebhook(
                server,
                transport,
                [
                    "url": .string("http://127.0.0.1:\(port)/agentic_checkout/webhooks/order_events"),
                    "scheme": "acp", "secret": .string(WebhookTestSender.acpSecret), "max_attempts": 1000,
                    "faults": faults,
                ]
            )
            #expect(registered.status == 200)
            for index in 0..<(Self.orders / 2) { try await Self.order(task: "e2e-\(index)", server, transport) }
            try await WebhooksCLITests.eventually("some events done") { Self.lines(done).count >= 3 }

            // The consumer is slowed, the receiver killed with it mid-delivery, and started again.
            _ = FileManager.default.createFile(atPath: slow, contents: nil)
            let doneBefore = Self.lines(done).count
            try await WebhooksCLITests.eventually("a delivery in progress") {
                Self.lines(log).count > Self.lines(done).count && Self.lines(done).count >= doneBefore
            }
            try await WebhooksCLITests.killReceiverAndCommand(child, log: log)
            let killed = try #require(Self.lines(log).last?.split(separator: " ").dropFirst().first.map(String.init))
            try FileManager.default.removeItem(atPath: slow)
            for index in (Self.orders / 2)..<Self.orders {
                try await Self.order(task: "e2e-\(index)", server, transport)
            }
            child = try await WebhooksCLITests.listen(store: store, options + ["--port", "\(port)"])

            let expected = Self.orders * (1 + Self.statuses.count)
            try await WebhooksCLITests.eventually("every event done") { Self.lines(done).count >= expected }
            let deliveries = try await waitForWebhookAttempts(server, transport, .max, timeout: .seconds(1))
            try await Task.sleep(for: .milliseconds(500))
            let finished = Self.lines(done)
            #expect(finished.count == expected && Set(finished).count == expected, "each event exactly once")
            #expect(Set(deliveries.compactMap { $0["event_id"]?.stringValue }).count == expected)
            let faultsSeen = deliveries.flatMap { $0["attempt_log"]?.arrayValue ?? [] }
                .flatMap { $0["faults"]?.arrayValue ?? [] }.compactMap(\.stringValue)
            #expect(faultsSeen.contains("duplicate") && faultsSeen.contains("wrong_secret"), "the faults happened")
            let starts = Self.lines(log)
            #expect(
                starts.contains { $0.hasPrefix("start \(killed) 2 ") },
                "the killed delivery came back as attempt 2"
            )
            #expect(starts.count == expected + 1, "no delivery but the killed one was made twice")
            for index in 0..<Self.orders {
                let events = try await CLIChild.run([
                    "webhooks", "events", "--store", store, "--task-id", "e2e-\(index)",
                ])
                #expect(events.json["orders"]?.arrayValue?.map { $0["status"] } == ["completed"], "no order moved back")
                #expect(events.json["events"]?.arrayValue?.count == 1 + Self.statuses.count)
            }
        }
        child.signal(SIGTERM)
        #expect(try await child.exitStatus() == 0)
    }
}
