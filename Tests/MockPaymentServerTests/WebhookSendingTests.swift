import AgentRetry
import Foundation
import MockPaymentServer
import Testing

@Suite("The mock sends signed webhooks, at least once, under faults")
struct WebhookSendingTests {
    @Test("Stripe confirm sends payment_intent.succeeded with the metadata, signed per Stripe-Signature")
    func stripeSucceeded() async throws {
        try await WebhookReceiver.with { receiver in
            try await withMockServer { server, transport in
                let secret = "whsec_stripe_test"
                let registered = try await registerWebhook(
                    server,
                    transport,
                    ["url": .string(receiver.url()), "scheme": "stripe", "secret": .string(secret)]
                )
                #expect(registered.status == 200)
                #expect(registered.json["id"] == "we_1")
                let intentID = try await confirmedPaymentIntent(server, transport, taskID: "task-7")
                let requests = try await receiver.waitFor(1)
                try #require(requests.count == 1)
                let hook = requests[0]
                #expect(hook.path == "/hooks")
                #expect(hook.headers["content-type"] == "application/json")
                let timestamp = WebhookSignatureCheck.timestampedHex(
                    hook.headers["stripe-signature"],
                    body: hook.body,
                    secret: secret
                )
                #expect(timestamp != nil)
                #expect(abs((timestamp ?? 0) - Int(Date().timeIntervalSince1970)) < 60)
                #expect(hook.json["object"] == "event")
                #expect(hook.json["type"] == "payment_intent.succeeded")
                #expect(hook.json["id"]?.stringValue?.hasPrefix("evt_") == true)
                #expect(hook.json["data"]?["object"]?["id"] == .string(intentID))
                #expect(hook.json["data"]?["object"]?["status"] == "succeeded")
                #expect(hook.json["data"]?["object"]?["metadata"]?["task_id"] == "task-7")
                let deliveries = try await waitForWebhookAttempts(server, transport, 1)
                #expect(deliveries.first?["delivered"] == true)
                #expect(deliveries.first?["event_id"] == hook.json["id"])
            }
        }
    }

    @Test("ACP complete sends order_create; the admin order status route sends order_update")
    func acpOrderEvents() async throws {
        try await WebhookReceiver.with { receiver in
            try await withMockServer { server, transport in
                let secret = "acp-merchant-secret"
                _ = try await registerWebhook(
                    server,
                    transport,
                    ["url": .string(receiver.url("/acp")), "scheme": "acp", "secret": .string(secret)]
                )
                let created = try await transport.execute(
                    acpPost(server, "/checkout_sessions", sessionBody(taskID: "task-acp"), key: "c")
                )
                let sessionID = created.json["id"]?.stringValue ?? ""
                let done = try await transport.execute(
                    acpPost(
                        server,
                        "/checkout_sessions/\(sessionID)/complete",
                        completeBody(token: "spt_test_success"),
                        key: "p"
                    )
                )
                let orderID = done.json["order"]?["id"]?.stringValue ?? ""
                let first = try await receiver.waitFor(1)
                try #require(first.count == 1)
                #expect(first[0].json["type"] == "order_create")
                let order = first[0].json["data"]
                #expect(order?["type"] == "order")
                #expect(order?["id"] == .string(orderID))
                #expect(order?["checkout_session_id"] == .string(sessionID))
                #expect(order?["status"] == "created")
                #expect(order?["permalink_url"]?.stringValue?.hasPrefix(server.baseURL) == true)
                #expect(order?["line_items"]?.arrayValue?.isEmpty == false)
                #expect(order?["totals"]?.arrayValue?.isEmpty == false)
                let signature = first[0].headers["merchant-signature"]
                #expect(WebhookSignatureCheck.timestampedHex(signature, body: first[0].body, secret: secret) != nil)

                let shipped = try await transport.execute(
                    adminRequest(server, "/__admin/orders/\(orderID)/status", body: #"{"status": "shipped"}"#)
                )
                #expect(shipped.status == 200)
                #expect(shipped.json["status"] == "shipped")
                let both = try await receiver.waitFor(2)
                try #require(both.count == 2)
                #expect(both[1].json["type"] == "order_update")
                #expect(both[1].json["data"]?["status"] == "shipped")
                #expect(both[1].json["data"]?["checkout_session_id"] == .string(sessionID))
                let update = both[1].headers["merchant-signature"]
                #expect(WebhookSignatureCheck.timestampedHex(update, body: both[1].body, secret: secret) != nil)
                #expect(both[1].json["data"]?["client_reference_id"] == "task-acp", "the client's reference")
                try await WebhookEventSchemaCheck.validate(both.map(\.json))
                let fetched = try await transport.execute(acpGet(server, "/checkout_sessions/\(sessionID)"))
                #expect(fetched.json["order"]?["status"] == "shipped")
            }
        }
    }

    @Test("Standard Webhooks: a refund sends charge.refunded; webhook-id is the event id; signatures verify")
    func standardRefund() async throws {
        try await WebhookReceiver.with { receiver in
            try await withMockServer { server, transport in
                _ = try await registerWebhook(
                    server,
                    transport,
                    ["url": .string(receiver.url()), "scheme": "standard", "secret": .string(standardWebhookSecret)]
                )
                let intentID = try await confirmedPaymentIntent(server, transport, taskID: "task-r")
                _ = try await receiver.waitFor(1)
                _ = try await transport.execute(stripePost(server, "/v1/refunds", "payment_intent=\(intentID)"))
                let requests = try await receiver.waitFor(2)
                try #require(requests.count == 2)
                for hook in requests {
                    let secret = standardWebhookSecret
                    #expect(WebhookSignatureCheck.standard(hook.headers, body: hook.body, secret: secret))
                    #expect(hook.headers["webhook-id"] == hook.json["id"]?.stringValue)
                }
                let refunded = try #require(requests.first { $0.json["type"] == "charge.refunded" })
                let charge = refunded.json["data"]?["object"]
                #expect(charge?["object"] == "charge")
                #expect(charge?["payment_intent"] == .string(intentID))
                #expect(charge?["amount_refunded"] == 1200)
                #expect(charge?["refunded"] == true)
                #expect(charge?["metadata"]?["task_id"] == "task-r")
            }
        }
    }

    @Test("A receiver answering 500 twice then 200 gets three attempts of the same event")
    func retriesUntilSuccess() async throws {
        let answer: WebhookReceiver.Answer = { _, index in index < 2 ? 500 : 200 }
        try await WebhookReceiver.with(answer: answer) { receiver in
            try await withMockServer { server, transport in
                _ = try await registerWebhook(
                    server,
                    transport,
                    ["url": .string(receiver.url()), "scheme": "stripe", "secret": "whsec_x"]
                )
                _ = try await confirmedPaymentIntent(server, transport, taskID: "task-retry")
                let requests = try await receiver.waitFor(3)
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.requests.count == 3)
                #expect(Set(requests.map(\.text)).count == 1)
                let deliveries = try await waitForWebhookAttempts(server, transport, 3)
                #expect(deliveries.count == 1)
                #expect(deliveries.first?["attempts"] == 3)
                #expect(deliveries.first?["last_status"] == 200)
                #expect(deliveries.first?["delivered"] == true)
                let statuses = deliveries.first?["attempt_log"]?.arrayValue?.map { $0["status"] ?? .null }
                #expect(statuses == [500, 500, 200])
            }
        }
    }

    @Test("duplicate_rate 1 sends a delivered event a second time, same id and same body")
    func duplicates() async throws {
        try await WebhookReceiver.with { receiver in
            try await withMockServer { server, transport in
                _ = try await registerWebhook(
                    server,
                    transport,
                    [
                        "url": .string(receiver.url()), "scheme": "standard", "secret": .string(standardWebhookSecret),
                        "faults": ["duplicate_rate": 1],
                    ]
                )
                _ = try await confirmedPaymentIntent(server, transport, taskID: "task-dup")
                let requests = try await receiver.waitFor(2)
                try #require(requests.count == 2)
                #expect(requests[0].body == requests[1].body)
                #expect(requests[0].headers["webhook-id"] == requests[1].headers["webhook-id"])
                let deliveries = try await waitForWebhookAttempts(server, transport, 2)
                let faults = deliveries.first?["attempt_log"]?.arrayValue?.map { $0["faults"] ?? .null }
                #expect(faults == [[], ["duplicate"]])
            }
        }
    }

    @Test("An endpoint that refuses connections is tried max_attempts times, then the event is given up")
    func givesUp() async throws {
        try await withMockServer { server, transport in
            _ = try await registerWebhook(
                server,
                transport,
                [
                    "url": "http://127.0.0.1:1/nobody", "scheme": "acp", "secret": "s", "max_attempts": 3,
                    "faults": ["delay_ms": 5],
                ]
            )
            _ = try await confirmedPaymentIntent(server, transport, taskID: "task-gone")
            let deliveries = try await waitForWebhookAttempts(server, transport, 3)
            try await Task.sleep(for: .milliseconds(300))
            let final = try await webhookDeliveries(server, transport)
            #expect(final.first?["attempts"] == 3)
            #expect(final.first?["delivered"] == false)
            #expect(final.first?["gave_up"] == true)
            #expect(final.first?["last_status"] == .null)
            let errors = deliveries.first?["attempt_log"]?.arrayValue?.map { $0["error"] ?? .null }
            #expect(errors == ["connect_failed", "connect_failed", "connect_failed"])
        }
    }
}
