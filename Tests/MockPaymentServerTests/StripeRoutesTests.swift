import AgentRetry
import MockPaymentServer
import Testing

@Suite("Stripe PaymentIntents and refunds, with Stripe's idempotency")
struct StripeRoutesTests {
    @Test("Create and confirm with pm_card_visa charges once and lands in the ledger with its task id")
    func chargeSucceeds() async throws {
        try await withMockServer { server, transport in
            let response = try await transport.execute(
                stripePost(
                    server,
                    "/v1/payment_intents",
                    "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=task-7",
                    key: "k-1"
                )
            )
            #expect(response.status == 200)
            #expect(response.json["object"] == "payment_intent")
            #expect(response.json["status"] == "succeeded")
            #expect(response.json["metadata"]?["task_id"] == "task-7")
            #expect(response.headers.first(name: "Idempotency-Key") == "k-1")
            #expect(server.ledger.map(\.kind) == ["charge"])
            #expect(server.ledger.first?.taskID == "task-7")
            #expect(server.ledger.first?.amount == 2000)
        }
    }

    @Test(
        "Declining test cards give 402 card_error, and the saved 402 is replayed",
        arguments: [
            ("pm_card_chargeDeclined", "generic_decline"),
            ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ]
    )
    func declines(method: String, declineCode: String) async throws {
        try await withMockServer { server, transport in
            let request = stripePost(
                server,
                "/v1/payment_intents",
                "amount=500&currency=eur&payment_method=\(method)&confirm=true",
                key: "decline"
            )
            let first = try await transport.execute(request)
            #expect(first.status == 402)
            #expect(first.json["error"]?["type"] == "card_error")
            #expect(first.json["error"]?["code"] == "card_declined")
            #expect(first.json["error"]?["decline_code"] == .string(declineCode))
            #expect(first.json["error"]?["payment_intent"]?["status"] == "requires_payment_method")
            let again = try await transport.execute(request)
            #expect(again.status == 402)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.body == first.body)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("The same key with other parameters is a 400 idempotency_error; a validation error is not saved")
    func keyReuse() async throws {
        try await withMockServer { server, transport in
            _ = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=500&currency=usd", key: "reuse")
            )
            let other = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=501&currency=usd", key: "reuse")
            )
            #expect(other.status == 400)
            #expect(other.json["error"]?["type"] == "idempotency_error")
            let invalid = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=-1&currency=usd", key: "fresh")
            )
            #expect(invalid.status == 400)
            #expect(invalid.json["error"]?["param"] == "amount")
            let valid = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=700&currency=usd", key: "fresh")
            )
            #expect(valid.status == 200)
            #expect(valid.headers.first(name: "Idempotent-Replayed") == nil)
        }
    }

    @Test("The same key while the first request is processing is a 409 idempotency_key_in_use")
    func keyInUse() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(method: "POST", path: "/v1/payment_intents", action: .latency(milliseconds: 5000), count: 1)
        ]
        try await withMockServer(configuration) { server, transport in
            let request = stripePost(
                server,
                "/v1/payment_intents",
                "amount=500&currency=usd&payment_method=pm_card_visa&confirm=true",
                key: "busy"
            )
            let slow = Task { try await transport.execute(request) }
            let second = try await firstConflict(server, transport, request)
            #expect(second.status == 409)
            #expect(second.json["error"]?["code"] == "idempotency_key_in_use")
            #expect(try await slow.value.status == 200)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Retrieve, list with limit and starting_after, cancel, and refund")
    func lifecycle() async throws {
        try await withMockServer { server, transport in
            var ids: [String] = []
            for amount in [100, 200, 300] {
                let created = try await transport.execute(
                    stripePost(
                        server,
                        "/v1/payment_intents",
                        "amount=\(amount)&currency=usd&payment_method=pm_card_visa&confirm=true"
                    )
                )
                ids.append(created.json["id"]?.stringValue ?? "")
            }
            let retrieved = try await transport.execute(stripeGet(server, "/v1/payment_intents/\(ids[0])"))
            #expect(retrieved.json["amount"] == 100)
            let page = try await transport.execute(stripeGet(server, "/v1/payment_intents?limit=2"))
            #expect(page.json["object"] == "list")
            #expect(page.json["has_more"] == true)
            #expect(page.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2], ids[1]])
            let next = try await transport.execute(
                stripeGet(server, "/v1/payment_intents?limit=2&starting_after=\(ids[1])")
            )
            #expect(next.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0]])

            let refund = try await transport.execute(
                stripePost(server, "/v1/refunds", "payment_intent=\(ids[2])&amount=100", key: "refund-1")
            )
            #expect(refund.json["object"] == "refund")
            #expect(refund.json["amount"] == 100)
            let tooMuch = try await transport.execute(
                stripePost(server, "/v1/refunds", "payment_intent=\(ids[2])&amount=1000")
            )
            #expect(tooMuch.status == 400)
            #expect(server.ledger.filter { $0.kind == "refund" }.count == 1)

            let open = try await transport.execute(stripePost(server, "/v1/payment_intents", "amount=900&currency=usd"))
            let openID = open.json["id"]?.stringValue ?? ""
            let canceled = try await transport.execute(stripePost(server, "/v1/payment_intents/\(openID)/cancel", ""))
            #expect(canceled.json["status"] == "canceled")
            let cannot = try await transport.execute(stripePost(server, "/v1/payment_intents/\(ids[0])/cancel", ""))
            #expect(cannot.status == 400)
            #expect(cannot.json["error"]?["code"] == "payment_intent_unexpected_state")
            let confirmed = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=50&currency=usd&payment_method=pm_card_visa")
            )
            #expect(confirmed.json["status"] == "requires_confirmation")
            let afterConfirm = try await transport.execute(
                stripePost(server, "/v1/payment_intents/\(confirmed.json["id"]?.stringValue ?? "")/confirm", "")
            )
            #expect(afterConfirm.json["status"] == "succeeded")
        }
    }

    @Test("Once a key is claimed its result is saved, even a 4xx that follows a commit: never a second effect")
    func committedResultsAreSaved() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(method: "POST", path: "/v1/payment_intents", action: .statusAfterCommit(status: 400), count: 1)
        ]
        try await withMockServer(configuration) { server, transport in
            let charge = stripePost(
                server,
                "/v1/payment_intents",
                "amount=10&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=t1",
                key: "k"
            )
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await transport.execute(charge).status) }
            #expect(statuses == [400, 400, 400])
            #expect(server.ledger.count == 1)
            let unknownMethod = stripePost(
                server,
                "/v1/payment_intents",
                "amount=10&currency=usd&payment_method=pm_nope&confirm=true",
                key: "nope"
            )
            let first = try await transport.execute(unknownMethod)
            let again = try await transport.execute(unknownMethod)
            #expect(first.status == 404)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            let listed = try await transport.execute(stripeGet(server, "/v1/payment_intents?limit=100"))
            #expect(listed.json["data"]?.arrayValue?.count == 2)
        }
    }

    @Test("Keys of different callers never collide, whatever characters they hold")
    func scopesDoNotCollide() async throws {
        try await withMockServer { server, transport in
            let one = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=10&currency=usd", key: "x|k", apiKey: "sk")
            )
            let other = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=10&currency=usd", key: "k", apiKey: "sk|x")
            )
            #expect(other.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(other.json["id"] != one.json["id"])
        }
    }

    @Test("A key stays in flight however long processing takes: retention does not expire it")
    func inFlightKeysDoNotExpire() async throws {
        let clock = ManualMockClock()
        var configuration = MockPaymentServer.Configuration()
        configuration.clock = clock
        configuration.faults = [
            FaultRule(method: "POST", path: "/v1/payment_intents", action: .latency(milliseconds: 5000), count: 1)
        ]
        try await withMockServer(configuration) { server, transport in
            let request = stripePost(
                server,
                "/v1/payment_intents",
                "amount=10&currency=usd&payment_method=pm_card_visa&confirm=true",
                key: "slow"
            )
            let slow = Task { try await transport.execute(request) }
            _ = try await firstConflict(server, transport, request)
            clock.advance(by: .seconds(25 * 3600))
            let afterRetention = try await transport.execute(request)
            #expect(afterRetention.status == 409)
            #expect(try await slow.value.status == 200)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Authentication is required, as Bearer or as Basic with the key as user")
    func authentication() async throws {
        try await withMockServer { server, transport in
            var anonymous = HTTPRequest(
                method: .post,
                url: server.baseURL + "/v1/payment_intents",
                body: "amount=1&currency=usd"
            )
            let refused = try await transport.execute(anonymous)
            #expect(refused.status == 401)
            anonymous.headers.add(name: "Authorization", value: "Basic " + "sk_test_basic:".base64ForTest)
            let accepted = try await transport.execute(anonymous)
            #expect(accepted.status == 200)
        }
    }
}

extension String {
    /// Standard base64 of the UTF-8 bytes.
    var base64ForTest: String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(self.utf8)
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                output.append(position <= chunk.count ? table[(value >> (18 - 6 * position)) & 63] : "=")
            }
            index += 3
        }
        return output
    }
}
