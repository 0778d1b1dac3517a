import AgentRetry
import AgentRetryACP
import AgentRetryTesting
import Foundation
import MockPaymentServer
import Testing

@Suite("Judged by third-party tools: the official Stripe SDK and the ACP JSON Schema")
struct ThirdPartyClientTests {
    @Test("stripe-python, pointed at the mock, creates, confirms, retrieves, lists, refunds and sees replays")
    func officialStripeSDK() async throws {
        try await withMockServer { server, _ in
            let outcome = try await PythonCheck.run(Self.stripeScript, arguments: [server.baseURL])
            #expect(outcome.status == 0, "\(outcome.output)")
            #expect(outcome.output.contains("ok"))
            #expect(server.ledger.map(\.kind) == ["charge", "refund"])
        }
    }

    @Test(
        "ACP responses, errors, test requests and checkout task bodies validate against the 2026-04-17 JSON Schema"
    )
    func acpSchema() async throws {
        let schema = try #require(
            Bundle.module.url(forResource: "acp-2026-04-17/schema.agentic_checkout", withExtension: "json")
        )
        try await withMockServer { server, transport in
            var payloads: [(definition: String, json: JSONValue)] = []
            func check(_ definition: String, _ response: HTTPResponse) {
                payloads.append((definition, response.json))
            }
            payloads.append(("CheckoutSessionCreateRequest", try JSONValue(parsing: Array(sessionBody().utf8))))
            // The bodies AgentRetryACP's checkout task sends.
            let task = try await makeCheckoutTask(server, transport)
            payloads.append(
                (
                    "CheckoutSessionCreateRequest",
                    CheckoutTask.createRequest(cart: testCart, taskID: "schema", generation: 2).acpJSON
                )
            )
            let session = try await ACPClient(
                client: task.client,
                configuration: .init(baseURL: server.baseURL, apiKey: testKey)
            ).create(
                CheckoutTask.createRequest(cart: testCart, taskID: "schema", generation: 0),
                intent: IdempotencyIntent(namespace: "schema", operation: "create", inputs: "schema")
            ).body
            let express = try #require(session.fulfillmentOptions.first { $0.id == "ship_express" })
            payloads.append(
                ("CheckoutSessionUpdateRequest", CheckoutTask.updateRequest(selecting: express, in: session).acpJSON)
            )
            payloads.append(
                (
                    "CheckoutSessionCompleteRequest",
                    task.completeRequest(session, cart: testCart, token: "spt_test_success").acpJSON
                )
            )
            payloads.append(
                ("CancelSessionRequest", CheckoutSessionCancelRequest(reasonCode: "timing_deferred").acpJSON)
            )
            payloads.append(
                (
                    "CheckoutSessionCompleteRequest",
                    try JSONValue(parsing: Array(completeBody(token: "spt_test_success").utf8))
                )
            )
            let created = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(items: ["item_tshirt", "item_ebook"]), key: "a")
            )
            check("CheckoutSession", created)
            let id = created.json["id"]?.stringValue ?? ""
            let notReady = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(items: ["item_hoodie"], address: false), key: "b")
            )
            check("CheckoutSession", notReady)
            check("CheckoutSession", try await transport.execute(acpGet(server, "/checkout_sessions/\(id)")))
            let declined = try await transport.execute(
                acpPost(server, "/checkout_sessions/\(id)/complete", completeBody(token: "spt_test_declined"), key: "d")
            )
            check("CheckoutSession", declined)
            check(
                "Error",
                try await transport.execute(
                    acpPost(server, "/checkout_sessions/\(id)/complete", completeBody(token: "spt_test_3ds"), key: "3")
                )
            )
            check(
                "CheckoutSessionWithOrder",
                try await transport.execute(
                    acpPost(
                        server,
                        "/checkout_sessions/\(id)/complete",
                        completeBody(token: "spt_test_3ds", authentication: "authenticated"),
                        key: "c"
                    )
                )
            )
            check("Error", try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: nil)))
            check(
                "Error",
                try await transport.execute(
                    acpPost(server, "/checkout_sessions", sessionBody(), key: "v", version: nil)
                )
            )
            let other = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "e"))
            check(
                "CheckoutSession",
                try await transport.execute(
                    acpPost(server, "/checkout_sessions/\(other.json["id"]?.stringValue ?? "")/cancel", "", key: "x")
                )
            )

            for (definition, json) in payloads {
                let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "payload-\(UUID().uuidString).json"
                )
                try Data(json.serialized()).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let outcome = try await PythonCheck.run(
                    Self.schemaScript,
                    arguments: [schema.path, definition, file.path]
                )
                #expect(outcome.status == 0, "\(definition) does not validate: \(outcome.output)\n\(json)")
            }
        }
    }

    static let schemaScript = #"""
        import json, sys
        from jsonschema import Draft202012Validator
        schema = json.load(open(sys.argv[1]))
        root = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + sys.argv[2]}
        errors = sorted(Draft202012Validator(root).iter_errors(json.load(open(sys.argv[3]))), key=str)
        for error in errors[:10]:
            print(error.json_path, error.message[:300])
        sys.exit(1 if errors else 0)
        """#

    static let stripeScript = #"""
        import sys, stripe
        client = stripe.StripeClient("sk_test_sdk", base_addresses={"api": sys.argv[1]}, max_network_retries=0)
        params = {"amount": 1500, "currency": "usd", "payment_method": "pm_card_visa",
                  "metadata": {"task_id": "sdk-task"}}
        pi = client.v1.payment_intents.create(params=params, options={"idempotency_key": "sdk-key-1"})
        assert pi.status == "requires_confirmation", pi.status
        pi = client.v1.payment_intents.confirm(pi.id)
        assert pi.status == "succeeded", pi.status
        assert client.v1.payment_intents.retrieve(pi.id).amount_received == 1500
        replay = client.v1.payment_intents.create(params=params, options={"idempotency_key": "sdk-key-1"})
        assert replay.id == pi.id
        assert replay.last_response.headers.get("Idempotent-Replayed") == "true"
        assert client.v1.payment_intents.list(params={"limit": 1}).data[0].id == pi.id
        refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 500})
        assert refund.status == "succeeded" and refund.amount == 500
        try:
            client.v1.payment_intents.create(
                params={"amount": 100, "currency": "usd", "payment_method": "pm_card_chargeDeclined", "confirm": True}
            )
            raise SystemExit("a declined card did not raise")
        except stripe.CardError as error:
            assert error.code == "card_declined", error.code
        try:
            client.v1.payment_intents.create(
                params={"amount": 1600, "currency": "usd"}, options={"idempotency_key": "sdk-key-1"}
            )
            raise SystemExit("a reused key did not raise")
        except stripe.IdempotencyError:
            pass
        print("stripe-python", stripe.VERSION, "ok")
        """#
}
