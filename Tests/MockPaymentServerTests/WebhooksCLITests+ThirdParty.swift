import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

extension WebhooksCLITests {
    /// A Standard Webhooks sender written by others: the PyPI `standardwebhooks` package signs, and
    /// Python's `urllib` posts to the receiver child; a redelivery, a tampered body and a stale
    /// timestamp are posted too.
    static let standardSender = #"""
        import json, sys, time, urllib.request, urllib.error
        from datetime import datetime, timezone
        from standardwebhooks import Webhook

        url, secret = sys.argv[1:3]
        body = json.dumps({"type": "order_update", "data": {"type": "order", "id": "ord_py",
            "checkout_session_id": "cs_py", "permalink_url": "https://m.example/o", "status": "shipped"}})

        def post(msg_id, at, payload, signed=None):
            signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(at, tz=timezone.utc), signed or payload)
            request = urllib.request.Request(url, data=payload.encode(), method="POST", headers={
                "content-type": "application/json", "webhook-id": msg_id,
                "webhook-timestamp": str(at), "webhook-signature": signature})
            try:
                with urllib.request.urlopen(request, timeout=20) as answer:
                    return answer.status, json.loads(answer.read())
            except urllib.error.HTTPError as refused:
                return refused.code, json.loads(refused.read())

        now = int(time.time())
        print(json.dumps([
            post("msg_py_1", now, body),
            post("msg_py_1", now, body),
            post("msg_py_2", now, body.replace("shipped", "canceled"), signed=body),
            post("msg_py_3", now - 3600, body),
        ]))
        """#

    @Test func aStandardWebhooksSenderFromPyPIIsReceivedOnceAndItsForgeriesRefused() async throws {
        let store = CLIChild.storePath()
        let secret = "whsec_" + Data((0..<24).map { UInt8($0 &* 11) }).base64EncodedString()
        let child = try await ListeningChild.launch(
            [
                "webhooks", "listen", "--port", "0", "--store", store, "--scheme", "standard", "--secret-file",
                try WebhookTestSender.secretFile([secret]),
            ],
            environment: [:]
        )
        let outcome = try await PythonCheck.run(Self.standardSender, arguments: [child.url, secret])
        #expect(outcome.status == 0, "\(outcome.output)")
        let answers = try #require(try JSONValue(parsing: Array(outcome.output.utf8)).arrayValue).map { pair in
            (status: pair.arrayValue?.first?.integerValue, body: pair.arrayValue?.last ?? .null)
        }
        try #require(answers.count == 4)
        #expect(answers[0].status == 200 && answers[0].body["duplicate"] == false)
        #expect(answers[1].status == 200 && answers[1].body["duplicate"] == true, "a redelivery by webhook-id")
        #expect(answers[2].status == 401 && answers[2].body["code"] == "invalid_signature", "a tampered body")
        #expect(answers[3].status == 401, "an hour-old timestamp")
        try await Self.eventually("the event line") { child.outputLines.count >= 2 }
        let line = try JSONValue(parsing: Array(try #require(child.outputLines.last).utf8))
        #expect(line["dedup_key"] == "standard-webhooks:msg_py_1" && line["order_status"] == "shipped")
        child.signal(SIGTERM)
        #expect(try await child.exitStatus() == 0)
        #expect(child.outputLines.count == 2, "one event line: \(child.outputLines)")
    }
}

extension WebhooksCLITests {
    /// Whether process `pid` is gone (no such process, or a zombie nobody has reaped yet).
    static func isGone(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return true }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    @Test func aCommandPastItsTimeoutIsKilledWithEveryProcessItStartedAndNeverSeesACredential() async throws {
        let store = CLIChild.storePath()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (pidFile, environment) = (
            directory.appendingPathComponent("pid").path, directory.appendingPathComponent("env").path
        )
        let command = "env > \(environment); (sleep 30 & echo $! > \(pidFile); wait)"
        let child = try await ListeningChild.launch(
            [
                "webhooks", "listen", "--port", "0", "--store", store, "--scheme", "acp", "--secret-file",
                try WebhookTestSender.secretFile(), "--exec", command, "--exec-timeout", "1", "--retry-initial", "60",
            ],
            environment: ["PGPASSWORD": "pg-password-not-for-commands"]
        )
        let sent = try await WebhookTestSender.post(
            WebhookTestSender.acpOrder("ord_t", status: "created"),
            port: child.port
        )
        #expect(sent.status == 200)
        try await Self.eventually("the command's child started") {
            Int32(
                ((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "").trimmingCharacters(
                    in: .whitespacesAndNewlines
                )
            ) != nil
        }
        let grandchild = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        )
        try await Self.eventually("the timeout killed the command's own child") { Self.isGone(grandchild) }
        try await Self.eventually("the timeout logged") { child.output.contains("timed out after 1 s") }
        let seen = try String(contentsOfFile: environment, encoding: .utf8)
        #expect(!seen.contains("pg-password-not-for-commands") && seen.contains("AGENT_RETRY_WEBHOOK_ATTEMPT=1"))
        child.signal(SIGTERM)
        #expect(try await child.exitStatus() == 0)
    }
}
