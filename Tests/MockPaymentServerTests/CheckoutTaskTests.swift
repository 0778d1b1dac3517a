import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Synchronization
import Testing

/// The anchored checkout task against the mock merchant: real sockets, a real SQLite file.
@Suite("Anchored ACP checkout task")
struct CheckoutTaskTests {
    @Test("create → update → complete: one order; the re-run answers from the store with no request")
    func completesOnceThenFromStore() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let outcome = try await task.run(taskID: "happy", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed)
            #expect(outcome.order?.checkoutSessionID == outcome.checkoutSessionID)
            #expect(outcome.generation == 0)
            #expect(outcome.idempotencyKeys.count == 3)
            #expect(!outcome.fromStore)
            // The version comes from the merchant's discovery document, read once before the create.
            #expect(server.journal.first.map { "\($0.method) \($0.path)" } == "GET /.well-known/acp.json")
            #expect(
                server.journal.filter { $0.method == "POST" }.map { "\($0.method) \($0.path)" } == [
                    "POST /checkout_sessions", "POST /checkout_sessions/\(outcome.checkoutSessionID ?? "")",
                    "POST /checkout_sessions/\(outcome.checkoutSessionID ?? "")/complete",
                ]
            )
            #expect(outcome.session?.selectedFulfillmentOptions.first?.optionID == "ship_express")
            #expect(server.orders.count == 1)
            #expect(server.orders.first?.taskID == "happy")
            let requests = server.journal.count
            let again = try await task.run(taskID: "happy", cart: testCart, paymentToken: "spt_test_success")
            #expect(again.status == .completed)
            #expect(again.orderID == outcome.orderID)
            #expect(again.fromStore)
            #expect(server.journal.count == requests, "a completed task sends nothing")
        }
    }

    @Test(
        "A fault at any step: one order, one session, one create key",
        arguments: [
            FaultRule(method: "POST", path: "/checkout_sessions", action: .dropAfterCommit, count: 1),
            FaultRule(method: "POST", path: "/checkout_sessions", action: .resetBeforeCommit, count: 1),
            FaultRule(method: "POST", path: "/checkout_sessions/*", action: .dropAfterCommit, count: 1),
            FaultRule(method: "POST", path: "/checkout_sessions/*/complete", action: .dropAfterCommit, count: 1),
            FaultRule(
                method: "POST",
                path: "/checkout_sessions/*/complete",
                action: .statusBefore(status: 503, retryAfter: nil),
                count: 2
            ),
            FaultRule(
                method: "POST",
                path: "/checkout_sessions/*/complete",
                action: .statusAfterCommit(status: 500),
                count: 1
            ),
            FaultRule(method: "POST", path: "/checkout_sessions", action: .statusAfterCommit(status: 500), count: 1),
            FaultRule(method: "POST", path: "/checkout_sessions/*/complete", action: .truncateBody, count: 1),
            FaultRule(method: "POST", path: "/checkout_sessions/*/complete", action: .garbage, count: 1),
            FaultRule(
                method: "POST",
                path: "/checkout_sessions/*/complete",
                action: .statusBefore(status: 429, retryAfter: "0"),
                count: 1
            ),
        ]
    )
    func faultAtEachStep(_ rule: FaultRule) async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [rule]
        try await withMockServer(configuration) { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let outcome = try await task.run(taskID: "faulty", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
            #expect(server.journal.contains { $0.fault != nil }, "the fault was injected")
            #expect(server.orders.count == 1)
            #expect(server.sessionsCreated == 1)
            #expect(server.createKeys.count == 1)
            #expect(server.duplicateCharges.isEmpty)
        }
    }

    @Test("409 in flight on complete: no complete POST after the 409; the order comes from polling the session")
    func inFlightCompleteIsPolled() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(
                method: "POST",
                path: "/checkout_sessions/*/complete",
                action: .latency(milliseconds: 10_000),
                count: 1
            )
        ]
        var transportConfiguration = HTTPTransport.Configuration()
        transportConfiguration.timeout = .init(connect: .seconds(2), total: .seconds(2))
        try await withMockServer(configuration, transport: transportConfiguration) { server, transport in
            let events = Mutex<[ClientEvent]>([])
            // The first complete is held 10 s by the server, its attempt times out at 2 s, and the
            // retry meets the key in flight (409); the task then polls until the order shows.
            let task = try await makeCheckoutTask(
                server,
                transport,
                configuration: CheckoutTask.Configuration(
                    settleDeadline: .seconds(30),
                    pollInterval: .milliseconds(50)
                ),
                clientEvents: { event in events.withLock { $0.append(event) } }
            )
            let outcome = try await task.run(taskID: "in-flight", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed)
            #expect(outcome.orderID != nil)
            // The client saw a 409 for complete, and sent no complete after it.
            let completeEvents = events.withLock { $0 }.filter {
                switch $0 {
                case .persistedBeforeSending(_, let operation, _), .responseReceived(_, let operation, _):
                    operation.hasSuffix(".complete")
                }
            }
            let conflict = try #require(
                completeEvents.firstIndex { if case .responseReceived(_, _, 409) = $0 { true } else { false } }
            )
            #expect(
                !completeEvents[(conflict + 1)...].contains {
                    if case .persistedBeforeSending = $0 { true } else { false }
                }
            )
            #expect(server.requests("POST", endingIn: "/complete").filter { $0.status == 200 }.count == 1)
            #expect(
                server.requests("GET", endingIn: outcome.checkoutSessionID ?? "?").count >= 1,
                "the order came from polling"
            )
            #expect(server.orders.count == 1)
        }
    }

    @Test("A declined token: declined with the message, no order, complete never re-sent, also on re-run")
    func declined() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let outcome = try await task.run(taskID: "declined", cart: testCart, paymentToken: "spt_test_declined")
            #expect(outcome.status == .declined)
            #expect(outcome.messages.map(\.code) == [.paymentDeclined])
            #expect(server.orders.isEmpty)
            let again = try await task.run(taskID: "declined", cart: testCart, paymentToken: "spt_test_declined")
            #expect(again.status == .declined)
            #expect(server.requests("POST", endingIn: "/complete").count == 1)
            #expect(server.sessionsCreated == 1)
            // A new credential is a new intent: the caller's choice, on the same session.
            let paid = try await task.run(taskID: "declined", cart: testCart, paymentToken: "spt_test_success")
            #expect(paid.status == .completed)
            #expect(paid.checkoutSessionID == outcome.checkoutSessionID)
            #expect(server.orders.count == 1)
        }
    }

    @Test("An expired session on resume starts generation 1: a new session, one order")
    func expiredSessionStartsNewGeneration() async throws {
        let clock = ManualMockClock()
        var configuration = MockPaymentServer.Configuration()
        configuration.clock = clock
        try await withMockServer(configuration) { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let first = try await task.run(taskID: "expiring", cart: testCart, paymentToken: "spt_test_declined")
            #expect(first.status == .declined)
            clock.advance(by: .seconds(7 * 24 * 3600))
            let outcome = try await task.run(taskID: "expiring", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed)
            #expect(outcome.generation == 1)
            #expect(outcome.checkoutSessionID != first.checkoutSessionID)
            #expect(server.sessionsCreated == 2)
            #expect(server.createKeys.count == 2)
            #expect(server.orders.count == 1)
            let again = try await task.run(taskID: "expiring", cart: testCart, paymentToken: "spt_test_success")
            #expect(again.generation == 1)
            #expect(again.orderID == outcome.orderID)
        }
    }

    @Test("A canceled session starts a new generation; with none left the task is canceled")
    func canceledSession() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport, configuration: .init(maximumGenerations: 2))
            for generation in 0..<2 {
                // 3D Secure is due: the session stays open, waiting for the buyer.
                let waiting = try await task.run(taskID: "canceled", cart: testCart, paymentToken: "spt_test_3ds")
                #expect(waiting.status == .needsInput)
                #expect(waiting.generation == generation)
                let cancel = HTTPRequest(
                    method: .post,
                    url: server.baseURL + "/checkout_sessions/\(waiting.checkoutSessionID ?? "")/cancel",
                    headers: [
                        "Authorization": "Bearer \(testKey)", "API-Version": "2026-04-17",
                        "Idempotency-Key": "cancel-\(generation)",
                        "Content-Type": "application/json",
                    ],
                    body: "{}"
                )
                #expect(try await transport.execute(cancel).status == 200)
            }
            let outcome = try await task.run(taskID: "canceled", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .canceled)
            #expect(outcome.generation == 1)
            #expect(server.sessionsCreated == 2)
            #expect(server.orders.isEmpty)
        }
    }

    @Test("A declined credential is not sent again on a later generation's session")
    func declinedStaysDeclinedAcrossGenerations() async throws {
        let clock = ManualMockClock()
        var configuration = MockPaymentServer.Configuration()
        configuration.clock = clock
        try await withMockServer(configuration) { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            #expect(
                try await task.run(taskID: "decl", cart: testCart, paymentToken: "spt_test_declined").status
                    == .declined
            )
            clock.advance(by: .seconds(7 * 24 * 3600))
            let again = try await task.run(taskID: "decl", cart: testCart, paymentToken: "spt_test_declined")
            #expect(again.status == .declined)
            #expect(server.sessionsCreated == 1, "no new session is opened for a credential already declined")
            #expect(server.requests("POST", endingIn: "/complete").count == 1)
        }
    }

    @Test("A create the merchant refused opened no session: a corrected cart starts the next generation")
    func refusedCreateThenCorrected() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let wrong = CheckoutCart(currency: "usd", lines: [.init(id: "item_unknown")])
            let refused = try await task.run(taskID: "fix", cart: wrong, paymentToken: "spt_test_success")
            #expect(refused.status == .needsInput)
            #expect(
                try await task.run(taskID: "fix", cart: wrong, paymentToken: "spt_test_success").status == .needsInput
            )
            let fixed = try await task.run(taskID: "fix", cart: testCart, paymentToken: "spt_test_success")
            #expect(fixed.status == .completed)
            #expect(fixed.generation == 1)
            #expect(server.sessionsCreated == 1)
            #expect(server.orders.count == 1)
        }
    }

    @Test("A decline on the last generation stays declined after the session expires")
    func declinedOnLastGeneration() async throws {
        let clock = ManualMockClock()
        var configuration = MockPaymentServer.Configuration()
        configuration.clock = clock
        try await withMockServer(configuration) { server, transport in
            let task = try await makeCheckoutTask(server, transport, configuration: .init(maximumGenerations: 1))
            let first = try await task.run(taskID: "last", cart: testCart, paymentToken: "spt_test_declined")
            #expect(first.status == .declined)
            clock.advance(by: .seconds(7 * 24 * 3600))
            let again = try await task.run(taskID: "last", cart: testCart, paymentToken: "spt_test_declined")
            #expect(again.status == .declined)
            #expect(again.checkoutSessionID == first.checkoutSessionID)
            #expect(again.generation == 0)
            #expect(
                try await task.run(taskID: "last", cart: testCart, paymentToken: "spt_test_success").status == .expired
            )
            #expect(server.orders.isEmpty)
        }
    }

    @Test("Two merchants handing out the same session ids, one store: each task pays at its own merchant")
    func equalSessionIDsAtTwoMerchants() async throws {
        let other = try await MockPaymentServer.start()
        defer { Task { try await other.shutdown() } }
        try await withMockServer { server, transport in
            let path = CLIChild.storePath()
            let here = try await makeCheckoutTask(server, transport, store: path)
            let there = try await makeCheckoutTask(other, transport, store: path)
            let first = try await here.run(taskID: "twin", cart: testCart, paymentToken: "spt_test_success")
            let second = try await there.run(taskID: "twin", cart: testCart, paymentToken: "spt_test_success")
            #expect(first.checkoutSessionID == second.checkoutSessionID, "both mock merchants number sessions alike")
            #expect(first.status == .completed && second.status == .completed)
            #expect(!second.fromStore)
            #expect(server.orders.count == 1)
            #expect(other.orders.count == 1)
        }
    }

    @Test("The anchored session unknown to the merchant (404): needs reconciliation, never a second session")
    func anchorLost() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            #expect(
                try await task.run(taskID: "lost", cart: testCart, paymentToken: "spt_test_declined").status
                    == .declined
            )
            server.addFaults([
                FaultRule(
                    method: "GET",
                    path: "/checkout_sessions/*",
                    action: .statusBefore(status: 404, retryAfter: nil)
                )
            ])
            let error = await #expect(throws: CheckoutTaskError.self) {
                try await task.run(taskID: "lost", cart: testCart, paymentToken: "spt_test_success")
            }
            #expect(error?.code == .needsReconciliation)
            #expect(error?.anchor != nil)
            #expect(server.sessionsCreated == 1)
            #expect(server.orders.isEmpty)
        }
    }

    @Test("The same task id with another cart is a conflict, before and after completion; nothing is sent")
    func changedCartIsConflict() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            var other = testCart
            other.members["fulfillment_option_id"] = "ship_standard"
            #expect(
                try await task.run(taskID: "cart", cart: testCart, paymentToken: "spt_test_declined").status
                    == .declined
            )
            var requests = server.journal.count
            let before = await #expect(throws: CheckoutTaskError.self) {
                try await task.run(taskID: "cart", cart: other, paymentToken: "spt_test_success")
            }
            #expect(before?.code == .conflict)
            #expect(server.journal.count == requests)
            #expect(
                try await task.run(taskID: "cart", cart: testCart, paymentToken: "spt_test_success").status
                    == .completed
            )
            requests = server.journal.count
            let after = await #expect(throws: CheckoutTaskError.self) {
                try await task.run(taskID: "cart", cart: other, paymentToken: "spt_test_success")
            }
            #expect(after?.code == .conflict)
            #expect(server.journal.count == requests)
            #expect(server.sessionsCreated == 1)
            #expect(server.orders.count == 1)
        }
    }

    @Test("A re-run with another namespace secret on the same store still finds the anchor: one session, one order")
    func otherSecretFindsAnchor() async throws {
        try await withMockServer { server, transport in
            let path = CLIChild.storePath()
            let first = try await makeCheckoutTask(server, transport, store: path)
            #expect(
                try await first.run(taskID: "secret", cart: testCart, paymentToken: "spt_test_success").status
                    == .completed
            )
            let store = try SQLiteIdempotencyStore(path: path)
            let other = CheckoutTask(
                client: IdempotentClient(transport: transport, store: store, secret: .random()),
                merchant: first.merchant,
                configuration: first.configuration
            )
            let outcome = try await other.run(taskID: "secret", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed)
            #expect(server.sessionsCreated == 1)
            #expect(server.orders.count == 1)
        }
    }

    @Test("Two runs of one task at once on one client: one order, one session; the other waits or is told")
    func concurrentRuns() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let results = await withTaskGroup(of: Result<CheckoutOutcome, CheckoutTaskError>.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        do throws(CheckoutTaskError) {
                            return .success(
                                try await task.run(taskID: "twice", cart: testCart, paymentToken: "spt_test_success")
                            )
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for result in results {
                switch result {
                case .success(let outcome): #expect(outcome.status == .completed)
                case .failure(let error): #expect(error.code == .inProgressElsewhere, "\(error)")
                }
            }
            #expect(server.sessionsCreated == 1)
            #expect(server.orders.count == 1)
        }
    }

    @Test(
        "What the merchant needs from the buyer ends as needs_input, with its messages",
        arguments: [
            ("item_hoodie", "spt_test_success", true),
            ("item_unknown", "spt_test_success", true),
            ("item_tshirt", "spt_test_3ds", true),
            ("item_tshirt", "spt_test_success", false),
        ]
    )
    func needsInput(_ item: String, _ token: String, _ address: Bool) async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let cart = CheckoutCart(
                currency: "usd",
                lines: [.init(id: item)],
                buyer: testCart.buyer,
                fulfillmentDetails: address ? testCart.fulfillmentDetails : nil
            )
            let outcome = try await task.run(taskID: "input-\(item)-\(token)", cart: cart, paymentToken: token)
            #expect(outcome.status == .needsInput)
            #expect(outcome.reason != nil)
            #expect(server.orders.isEmpty)
            let again = try await task.run(taskID: "input-\(item)-\(token)", cart: cart, paymentToken: token)
            #expect(again.status == .needsInput)
            #expect(server.sessionsCreated <= 1, "a re-run never opens a second session")
        }
    }

    @Test("Every request carries Authorization, API-Version, Request-Id (echoed) and, on POSTs, the derived key")
    func headers() async throws {
        try await withMockServer { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let acp = ACPClient(client: task.client, configuration: .init(baseURL: server.baseURL, apiKey: testKey))
            let request = CheckoutSessionCreateRequest(lineItems: [ACPItem(id: "item_ebook")], currency: "usd")
            let intent = IdempotencyIntent(
                namespace: "t",
                operation: "acp.checkout_session.create",
                inputs: ["task_id": "h"]
            )
            let created = try await acp.create(request, intent: intent)
            #expect(created.status == 201)
            #expect(created.call.anchor == created.body.id)
            #expect(created.call.response?.headers.first(name: "Request-Id")?.hasPrefix("req_") == true)
            #expect(server.journal.first?.idempotencyKey == created.call.key.rawValue)
            let session = try await acp.retrieve(created.body.id)
            #expect(session.id == created.body.id)
            let missing = await #expect(throws: ACPClientError.self) { try await acp.retrieve("cs_missing") }
            #expect(missing?.code == .rejected)
            #expect(missing?.status == 404)
            #expect(missing?.error?.code == "not_found")
            let bad = await #expect(throws: ACPClientError.self) { try await acp.retrieve("../v1/payment_intents") }
            #expect(bad?.code == .invalidArgument)
        }
    }
}
