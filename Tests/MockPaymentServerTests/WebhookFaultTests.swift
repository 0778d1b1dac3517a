import AgentRetry
import Foundation
import MockPaymentServer
import Testing

@Suite("Webhook faults and the webhook admin API")
struct WebhookFaultTests {
    /// Answers 401 unless the Stripe signature verifies with `secret` and is at most 5 minutes old.
    private static func verifying(_ secret: String) -> WebhookReceiver.Answer {
        { hook, _ in
            let header = hook.headers["stripe-signature"]
            guard let t = WebhookSignatureCheck.timestampedHex(header, body: hook.body, secret: secret),
                abs(t - Int(Date().timeIntervalSince1970)) <= 300
            else { return 401 }
            return 200
        }
    }

    // Seed 3's first draws are 0.11 then 0.70: with a rate of 0.5 the first attempt has the
    // fault and the second does not.
    @Test("wrong_secret_rate: a badly signed attempt is answered 401, the retry is signed correctly")
    func wrongSecret() async throws {
        let secret = "whsec_wrong_test"
        try await WebhookReceiver.with(answer: Self.verifying(secret)) { receiver in
            try await withMockServer { server, transport in
                _ = try await registerWebhook(
                    server,
                    transport,
                    [
                        "url": .string(receiver.url()), "scheme": "stripe", "secret": .string(secret),
                        "faults": ["wrong_secret_rate": 0.5, "seed": 3],
                    ]
                )
                _ = try await confirmedPaymentIntent(server, transport, taskID: "task-ws")
                let requests = try await receiver.waitFor(2)
                try #require(requests.count == 2)
                let verified = requests.map {
                    WebhookSignatureCheck.timestampedHex($0.headers["stripe-signature"], body: $0.body, secret: secret)
                }
                #expect(verified[0] == nil)
                #expect(verified[1] != nil)
                let deliveries = try await waitForWebhookAttempts(server, transport, 2)
                let log = deliveries.first?["attempt_log"]?.arrayValue ?? []
                #expect(log.map { $0["status"] ?? .null } == [401, 200])
                #expect(log.map { $0["faults"] ?? .null } == [["wrong_secret"], []])
                #expect(deliveries.first?["delivered"] == true)
            }
        }
    }

    @Test("old_timestamp_rate: an attempt signed an hour ago is refused, the retry has a fresh timestamp")
    func oldTimestamp() async throws {
        let secret = "whsec_old_test"
        try await WebhookReceiver.with(answer: Self.verifying(secret)) { receiver in
            try await withMockServer { server, transport in
                _ = try await registerWebhook(
                    server,
                    transport,
                    [
                        "url": .string(receiver.url()), "scheme": "stripe", "secret": .string(secret),
                        "faults": ["old_timestamp_rate": 0.5, "seed": 3],
                    ]
                )
                _ = try await confirmedPaymentIntent(server, transport, taskID: "task-old")
                let requests = try await receiver.waitFor(2)
                try #require(requests.count == 2)
                let stamps = requests.map {
                    WebhookSignatureCheck.timestampedHex($0.headers["stripe-signature"], body: $0.body, secret: secret)
                }
                let now = Int(Date().timeIntervalSince1970)
                #expect(abs((stamps[0] ?? 0) - (now - 3600)) < 60)
                #expect(abs((stamps[1] ?? 0) - now) < 60)
                let deliveries = try await waitForWebhookAttempts(server, transport, 2)
                let log = deliveries.first?["attempt_log"]?.arrayValue ?? []
                #expect(log.map { $0["faults"] ?? .null } == [["old_timestamp"], []])
            }
        }
    }

    @Test("reorder: a window of events is sent shuffled, every event once")
    func reorder() async throws {
        try await WebhookReceiver.with { receiver in
            try await withMockServer { server, transport in
                _ = try await registerWebhook(
                    server,
                    transport,
                    [
                        "url": .string(receiver.url()), "scheme": "stripe", "secret": "whsec_r",
                        "faults": ["reorder": true, "reorder_window": 3, "seed": 1],
                    ]
                )
                var intents: [String] = []
                for index in 0..<3 {
                    intents.append(try await confirmedPaymentIntent(server, transport, taskID: "task-\(index)"))
                }
                let requests = try await receiver.waitFor(3)
                let sent = requests.map { $0.json["data"]?["object"]?["id"]?.stringValue ?? "" }
                #expect(Set(sent) == Set(intents))
                #expect(sent.count == 3)
            }
        }
    }

    @Test("Bad webhook registrations and order status changes are answered 400; reset removes endpoints")
    func badInput() async throws {
        try await withMockServer { server, transport in
            let target = #""url": "http://127.0.0.1:9/x""#
            let bad: [(String, String)] = [
                (#"{"scheme": "stripe", "secret": "s"}"#, "$.url"),
                (#"{"url": "ftp://127.0.0.1/x", "scheme": "stripe", "secret": "s"}"#, "$.url"),
                ("{\(target), " + #""scheme": "paypal", "secret": "s"}"#, "$.scheme"),
                ("{\(target), " + #""scheme": "stripe", "secret": ""}"#, "$.secret"),
                ("{\(target), " + #""scheme": "standard", "secret": "plain"}"#, "$.secret"),
                ("{\(target), " + #""scheme": "acp", "secret": "s", "max_attempts": 0}"#, "$.max_attempts"),
                ("{\(target), " + #""scheme": "acp", "secret": "s", "colour": 1}"#, "$.colour"),
                (
                    "{\(target), " + #""scheme": "acp", "secret": "s", "faults": {"duplicate_rate": 2}}"#,
                    "$.faults.duplicate_rate"
                ),
                ("{\(target), " + #""scheme": "acp", "secret": "s", "faults": {"explode": true}}"#, "$.faults.explode"),
                ("not json", "$"),
            ]
            for (body, param) in bad {
                let answer = try await transport.execute(adminRequest(server, "/__admin/webhooks", body: body))
                #expect(answer.status == 400, "\(body)")
                #expect(answer.json["param"] == .string(param), "\(body)")
                #expect(answer.json["type"] == "invalid_request")
            }
            let status = try await transport.execute(
                adminRequest(server, "/__admin/orders/ord_x/status", body: #"{"status": "lost"}"#)
            )
            #expect(status.status == 400)
            #expect(status.json["param"] == "$.status")
            let missing = try await transport.execute(
                adminRequest(server, "/__admin/orders/ord_x/status", body: #"{"status": "shipped"}"#)
            )
            #expect(missing.status == 404)

            let good = #"{"url": "http://127.0.0.1:9/x", "scheme": "acp", "secret": "s"}"#
            let first = try await transport.execute(adminRequest(server, "/__admin/webhooks", body: good))
            #expect(first.json["id"] == "we_1")
            #expect(first.json["secret"] == nil)
            let second = try await transport.execute(adminRequest(server, "/__admin/webhooks", body: good))
            #expect(second.json["id"] == "we_2")
            var delete = adminRequest(server, "/__admin/webhooks", body: "{}")
            delete.method = .delete
            let deleted = try await transport.execute(delete)
            #expect(deleted.json["endpoints"] == [])
            _ = try await transport.execute(adminRequest(server, "/__admin/webhooks", body: good))
            _ = try await transport.execute(adminRequest(server, "/__admin/reset", body: "{}"))
            let listed = try await transport.execute(adminRequest(server, "/__admin/webhooks"))
            #expect(listed.json["endpoints"] == [])
        }
    }

    @Test("The webhook routes need the admin token when one is configured")
    func adminToken() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.adminToken = "admin-secret-token"
        try await withMockServer(configuration) { server, transport in
            let body = #"{"url": "http://127.0.0.1:9/x", "scheme": "acp", "secret": "s"}"#
            let refused = try await transport.execute(adminRequest(server, "/__admin/webhooks", body: body))
            #expect(refused.status == 401)
            var request = adminRequest(server, "/__admin/webhooks", body: body)
            request.headers.add(name: "X-Admin-Token", value: "admin-secret-token")
            let accepted = try await transport.execute(request)
            #expect(accepted.status == 200)
        }
    }
}
