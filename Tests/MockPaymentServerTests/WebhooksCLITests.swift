import AgentRetry
import AgentRetryTesting
import Foundation
import PostgresTestServer
import Testing

/// `agent-retry webhooks listen` and `webhooks events` as real child processes on a real socket:
/// what is answered, recorded once, and delivered once, across a SIGKILL of the receiver mid-delivery.
@Suite("agent-retry webhooks listen and events", .serialized)
struct WebhooksCLITests {
    static func listen(store: String, _ extra: [String] = []) async throws -> ListeningChild {
        try await ListeningChild.launch(
            [
                "webhooks", "listen", "--port", "0", "--store", store, "--scheme", "acp", "--secret-file",
                try WebhookTestSender.secretFile(),
            ] + extra,
            environment: [:]
        )
    }

    /// Waits until `condition` holds (a liveness bound, not a speed test).
    static func eventually(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw RawHTTPError(message: "never: \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// SIGKILLs the receiver's process group and the group of the command it runs (whose pid the
    /// command wrote last in `log`), as an orchestrator stops a job (systemd: its whole cgroup).
    static func killReceiverAndCommand(_ child: ListeningChild, log: String) async throws {
        let line = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").last
        let pid = try #require(line?.split(separator: " ").last.flatMap { Int32($0) })
        kill(-pid, SIGKILL)
        try await child.killGroup()
    }

    @Test func eventsAreAnswered200OnceRecordedAndPrintedOnceAndRefusalsAreTyped() async throws {
        let store = CLIChild.storePath()
        let child = try await Self.listen(store: store)
        let body = WebhookTestSender.acpOrder("ord_7", status: "shipped")
        let first = try await WebhookTestSender.post(body, port: child.port)
        let again = try await WebhookTestSender.post(body, port: child.port)
        #expect(first.status == 200 && first.json["received"] == true && first.json["duplicate"] == false)
        #expect(again.status == 200 && again.json["duplicate"] == true)
        let wrong = try await WebhookTestSender.post(
            WebhookTestSender.acpOrder("ord_8", status: "shipped"),
            port: child.port,
            signature: WebhookTestSender.acpSignature(body, secret: "acp_whsec_not_ours")
        )
        #expect(wrong.status == 401 && wrong.json["code"] == "invalid_signature")
        let old = try await WebhookTestSender.post(
            WebhookTestSender.acpOrder("ord_8", status: "shipped"),
            port: child.port,
            signature: WebhookTestSender.acpSignature(
                WebhookTestSender.acpOrder("ord_8", status: "shipped"),
                at: Date() - 3600
            )
        )
        #expect(old.status == 401 && old.json["code"] == "invalid_signature", "an hour-old timestamp")
        let huge = try await WebhookTestSender.post(String(repeating: "x", count: (1 << 20) + 1), port: child.port)
        #expect(huge.status == 413)
        try await Self.eventually("the event line") { child.outputLines.count >= 2 }
        try await Task.sleep(for: .milliseconds(300))
        let lines = child.outputLines
        #expect(lines.count == 2, "the listening line and one event line: \(lines)")
        let delivered = try JSONValue(parsing: Array(try #require(lines.last).utf8))
        #expect(delivered["scheme"] == "acp" && delivered["order_id"] == "ord_7" && delivered["attempt"] == 1)
        #expect(delivered["session_id"] == "cs_ord_7" && delivered["order_status"] == "shipped")
        #expect(delivered["event"]?["data"]?["status"] == "shipped", "the verified body")
        #expect(!child.output.contains(WebhookTestSender.acpSecret), "the secret is never printed")
        child.signal(SIGTERM)
        #expect(try await child.exitStatus() == 0)

        let events = try await CLIChild.run(["webhooks", "events", "--store", store, "--session-id", "cs_ord_7"])
        #expect(events.status == 0)
        #expect(events.json["orders"]?.arrayValue?.map { $0["status"] } == ["shipped"])
        #expect(events.json["events"]?.arrayValue?.count == 1)
        let none = try await CLIChild.run(["webhooks", "events", "--store", store, "--task-id", "no-such-task"])
        #expect(none.status == 0 && none.json["orders"] == [] && none.json["events"] == [])
    }

    @Test func badOptionsAreUsageErrorsThatNeverEchoASecret() async throws {
        let store = CLIChild.storePath()
        let standard = try WebhookTestSender.secretFile(["not-a-whsec-secret-9z9z"])
        let refused = try await CLIChild.run([
            "webhooks", "listen", "--store", store, "--scheme", "standard", "--secret-file", standard,
        ])
        #expect(refused.status == 2 && refused.json["status"] == "usage")
        #expect(!refused.stdout.contains("9z9z"))
        let exposed = try await CLIChild.run([
            "webhooks", "listen", "--store", store, "--scheme", "acp", "--secret-file", standard, "--host", "0.0.0.0",
        ])
        #expect(exposed.status == 2 && exposed.stdout.contains("loopback"))
        let noSelection = try await CLIChild.run(["webhooks", "events", "--store", store])
        #expect(noSelection.status == 2)
    }

    @Test(
        "A receiver SIGKILLed with its command mid-delivery delivers that event again after a restart, and none twice",
        arguments: ["sqlite", "postgres"]
    )
    func aKilledDeliveryIsRedeliveredAfterARestart(kind: String) async throws {
        let store = try await ReconcileCLITests.newStore(kind)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (log, done, slow) = ["log", "done", "slow"].map { directory.appendingPathComponent($0).path }.tuple
        // The consumer: notes each start, waits while the slow marker exists, then notes the event done.
        let command = """
            key=$AGENT_RETRY_WEBHOOK_DEDUP_KEY; echo "start $key $AGENT_RETRY_WEBHOOK_ATTEMPT $$" >> \(log); \
            cat > /dev/null; while [ -e \(slow) ]; do sleep 0.05; done; echo "$key" >> \(done)
            """
        let options = ["--exec", command, "--exec-timeout", "2", "--retry-initial", "0.05"]
        let lines: (String) -> [String] = { path in
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        var child = try await Self.listen(store: store, options)
        #expect(
            try await WebhookTestSender.post(WebhookTestSender.acpOrder("ord_a", status: "created"), port: child.port)
                .status == 200
        )
        try await Self.eventually("the first event done") { lines(done).count == 1 }
        _ = FileManager.default.createFile(atPath: slow, contents: nil)
        #expect(
            try await WebhookTestSender.post(WebhookTestSender.acpOrder("ord_b", status: "created"), port: child.port)
                .status == 200
        )
        try await Self.eventually("the second delivery started") { lines(log).count == 2 }
        try await Self.killReceiverAndCommand(child, log: log)
        try FileManager.default.removeItem(atPath: slow)
        #expect(lines(done).count == 1, "the killed command never finished")

        child = try await Self.listen(store: store, options)
        #expect(
            try await WebhookTestSender.post(WebhookTestSender.acpOrder("ord_c", status: "created"), port: child.port)
                .status == 200
        )
        try await Self.eventually("every event done") { lines(done).count == 3 }
        try await Task.sleep(for: .milliseconds(500))
        let finished = lines(done)
        #expect(Set(finished).count == 3 && finished.count == 3, "each event done exactly once: \(finished)")
        let starts = lines(log)
        let second = try #require(finished.first { $0.contains("ord_b") })
        #expect(starts.contains { $0.hasPrefix("start \(second) 2 ") }, "the killed delivery came back as attempt 2")
        #expect(starts.count == 4, "no delivery but the killed one was made twice: \(starts)")
        child.signal(SIGTERM)
        #expect(try await child.exitStatus() == 0)
    }
}

extension Array {
    /// The first three elements as a tuple.
    fileprivate var tuple: (Element, Element, Element) { (self[0], self[1], self[2]) }
}
