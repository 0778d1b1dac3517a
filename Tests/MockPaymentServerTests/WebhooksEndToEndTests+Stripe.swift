import AgentRetry
import Foundation
import MockPaymentServer
import Testing

extension WebhooksEndToEndTests {
    @Test("Stripe events sent by the mock under duplicates and reordering: each once, and refunds stay refunded")
    func stripeEventsReachTheConsumerOnceAndRefundsStay() async throws {
        let store = CLIChild.storePath()
        let secret = "whsec_e2e_stripe_\(UUID().uuidString.prefix(8))"
        let child = try await ListeningChild.launch(
            [
                "webhooks", "listen", "--port", "0", "--store", store, "--scheme", "stripe", "--secret-file",
                try WebhookTestSender.secretFile([secret]),
            ],
            environment: [:]
        )
        try await withMockServer { server, transport in
            let faults: JSONValue = ["duplicate_rate": 0.3, "reorder": true, "wrong_secret_rate": 0.2, "seed": 5]
            let registered = try await registerWebhook(
                server,
                transport,
                [
                    "url": .string(child.url + "stripe"), "scheme": "stripe", "secret": .string(secret),
                    "max_attempts": 1000, "faults": faults,
                ]
            )
            #expect(registered.status == 200)
            for index in 0..<4 {
                let intent = try await confirmedPaymentIntent(server, transport, taskID: "stripe-e2e-\(index)")
                if index < 2 {
                    let refund = try await transport.execute(
                        stripePost(server, "/v1/refunds", "payment_intent=\(intent)")
                    )
                    #expect(refund.status == 200)
                }
            }
            try await WebhooksCLITests.eventually("six event lines") { child.outputLines.count >= 7 }
            try await Task.sleep(for: .milliseconds(500))
            let events = child.outputLines.dropFirst().compactMap { try? JSONValue(parsing: Array($0.utf8)) }
            let keys = events.compactMap { $0["dedup_key"]?.stringValue }
            #expect(keys.count == 6 && Set(keys).count == 6, "each event once: \(keys)")
            #expect(keys.allSatisfy { $0.hasPrefix("stripe:evt_") })
            for index in 0..<4 {
                let task = "stripe-e2e-\(index)"
                let known = try await CLIChild.run(["webhooks", "events", "--store", store, "--task-id", task])
                let expected: JSONValue = index < 2 ? "refunded" : "succeeded"
                #expect(known.json["orders"]?.arrayValue?.map { $0["status"] } == [expected], "\(task)")
            }
        }
        child.signal(SIGTERM)
        #expect(try await child.exitStatus() == 0)
    }
}
