import AgentRetry
import Foundation
import MockPaymentServer
import NIOCore
import NIOPosix
import Testing

@Suite("The admin API, bad input, and concurrency")
struct AdminAndBadInputTests {
    private func admin(
        _ server: MockPaymentServer,
        _ method: HTTPMethod,
        _ path: String,
        _ body: String? = nil
    ) -> HTTPRequest {
        var request = HTTPRequest(method: method, url: server.baseURL + path, body: body.map { Array($0.utf8) })
        // Admin writes must be JSON (a web page cannot send JSON across origins without a preflight).
        if method != .get { request.headers.add(name: "Content-Type", value: "application/json") }
        return request
    }

    @Test("Rules are added (one or an array), listed and cleared over HTTP; the journal and ledger read back")
    func adminAPI() async throws {
        try await withMockServer { server, transport in
            let one =
                #"{"match": {"method": "POST", "path": "/v1/payment_intents"}, "#
                + #""action": "status_before", "status": 503, "retry_after": 1, "count": 1}"#
            let added = try await transport.execute(self.admin(server, .post, "/__admin/faults", one))
            #expect(added.json["rules"]?.arrayValue?.count == 1)
            let many =
                #"[{"action": "latency", "ms": 1}, "#
                + #"{"match": {"path": "/checkout_sessions/*"}, "action": "garbage", "probability": 0.1}]"#
            let both = try await transport.execute(self.admin(server, .post, "/__admin/faults", many))
            #expect(both.json["rules"]?.arrayValue?.count == 3)
            let bad = try await transport.execute(
                self.admin(server, .post, "/__admin/faults", #"{"action": "explode"}"#)
            )
            #expect(bad.status == 400)
            let cleared = try await transport.execute(self.admin(server, .delete, "/__admin/faults"))
            #expect(cleared.json["rules"] == [])

            _ = try await transport.execute(
                stripePost(
                    server,
                    "/v1/payment_intents",
                    "amount=5&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=twice"
                )
            )
            _ = try await transport.execute(
                stripePost(
                    server,
                    "/v1/payment_intents",
                    "amount=5&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=twice"
                )
            )
            let journal = try await transport.execute(self.admin(server, .get, "/__admin/requests"))
            #expect(journal.json["requests"]?.arrayValue?.count == 2)
            #expect(journal.json["requests"]?.arrayValue?.first?["status"] == 200)
            let ledger = try await transport.execute(self.admin(server, .get, "/__admin/ledger"))
            #expect(ledger.json["entries"]?.arrayValue?.count == 2)
            #expect(ledger.json["duplicates"] == [["task_id": "twice", "count": 2]])

            _ = try await transport.execute(self.admin(server, .post, "/__admin/reset"))
            let empty = try await transport.execute(self.admin(server, .get, "/__admin/ledger"))
            #expect(empty.json["entries"] == [])
        }
    }

    @Test("50 identical concurrent requests produce one effect", arguments: ["stripe", "acp"])
    func concurrentIdenticalRequests(family: String) async throws {
        // The first request is held for 5 s after claiming its key, and the others are sent once
        // the server holds it, so that they really do arrive while it is in flight (on a loaded
        // machine, fifty requests sent at once did not all arrive within a shorter hold).
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(
                method: "POST",
                path: family == "acp" ? "/checkout_sessions/*/complete" : "/v1/payment_intents",
                action: .latency(milliseconds: 5000),
                count: 1
            )
        ]
        try await withMockServer(configuration) { server, transport in
            var request = stripePost(
                server,
                "/v1/payment_intents",
                "amount=999&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=c",
                key: "same"
            )
            if family == "acp" {
                let created = try await transport.execute(
                    acpPost(server, "/checkout_sessions", sessionBody(taskID: "c"), key: "create")
                )
                let id = created.json["id"]?.stringValue ?? ""
                request = acpPost(
                    server,
                    "/checkout_sessions/\(id)/complete",
                    completeBody(token: "spt_test_success"),
                    key: "same"
                )
            }
            let identical = request
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { try await transport.execute(identical).status }
                let arrival = ContinuousClock.now + .seconds(20)
                while server.keysInFlight == 0 && ContinuousClock.now < arrival {
                    try await Task.sleep(for: .milliseconds(5))
                }
                for _ in 1..<50 { group.addTask { try await transport.execute(identical).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 50)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 })
            #expect(statuses.contains(409))
            #expect(server.ledger.count == 1)
            #expect(server.duplicateCharges.isEmpty)
        }
    }

    @Test("Malformed form and JSON are 400 naming the parameter; unknown routes are 404 in the family's shape")
    func malformedInput() async throws {
        try await withMockServer { server, transport in
            let badNumber = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=abc&currency=usd")
            )
            #expect(badNumber.status == 400)
            #expect(badNumber.json["error"]?["param"] == "amount")
            let badEncoding = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=5&currency=%zz")
            )
            #expect(badEncoding.status == 400)
            #expect(badEncoding.json["error"]?["param"] == "currency")
            let unknown = try await transport.execute(
                stripePost(server, "/v1/payment_intents", "amount=5&currency=usd&colour=red")
            )
            #expect(unknown.json["error"]?["param"] == "colour")
            let badJSON = try await transport.execute(
                acpPost(server, "/checkout_sessions", #"{"currency": "usd",,}"#, key: "j")
            )
            #expect(badJSON.status == 400)
            #expect(badJSON.json["param"] == "$")
            let noRoute = try await transport.execute(stripeGet(server, "/v1/charges_everywhere"))
            #expect(noRoute.status == 404)
            #expect(noRoute.json["error"]?["type"] == "invalid_request_error")
            let noACPRoute = try await transport.execute(acpGet(server, "/carts/1"))
            #expect(noACPRoute.status == 404)
            #expect(noACPRoute.json["type"] == "invalid_request")
        }
    }

    @Test("A body over 1 MiB is 413, and the server keeps serving")
    func oversizedBody() async throws {
        try await withMockServer { server, transport in
            let big = "amount=5&currency=usd&description=" + String(repeating: "x", count: 1024 * 1024 + 10)
            let response = try await transport.execute(stripePost(server, "/v1/payment_intents", big))
            #expect(response.status == 413)
            let after = try await transport.execute(stripePost(server, "/v1/payment_intents", "amount=5&currency=usd"))
            #expect(after.status == 200)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test(
        "Random bytes on a socket get that connection closed, and neither crash the server nor disturb other ones"
    )
    func randomBytes() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions", action: .latency(milliseconds: 800), count: 1)
        ]
        try await withMockServer(configuration) { server, transport in
            let slow = Task {
                var request = acpPost(server, "/checkout_sessions", sessionBody(), key: "steady")
                request.timeout = .init(connect: .seconds(2), total: .seconds(10))
                return try await transport.execute(request)
            }
            var generator = SystemRandomNumberGenerator()
            for round in 0..<20 {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: server.port).get()
                let noise =
                    [UInt8(0), 0xFF, 0x13] + (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
                try await channel.writeAndFlush(ByteBuffer(bytes: noise))
                // The server must close the connection itself.
                let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        try await channel.closeFuture.get()
                        return true
                    }
                    // A bound for liveness, not speed: generous, since the test suite runs in parallel.
                    group.addTask {
                        try await Task.sleep(for: .seconds(10))
                        return false
                    }
                    let first = try await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                #expect(closed, "round \(round): the server left a garbage connection open")
                try? await channel.close()
            }
            let steady = try await slow.value
            #expect(steady.status == 201)
            let after = try await transport.execute(stripePost(server, "/v1/payment_intents", "amount=5&currency=usd"))
            #expect(after.status == 200)
        }
    }
}
