import AgentRetry
import MockPaymentServer
import Testing

/// `Configuration.idleTimeout` and `Configuration.maximumConnections`, over real sockets. The
/// waits are liveness bounds (20 s), never speed assertions.
@Suite("Mock server: idle connections are closed; connections over the limit are refused")
struct ConnectionLimitTests {
    static let charge = "amount=5&currency=usd&payment_method=pm_card_visa&confirm=true"

    static func stripe(_ connection: RawHTTPConnection, key: String? = nil) async throws -> RawHTTPConnection.Response {
        var headers = [("Authorization", "Bearer \(testKey)")]
        if let key { headers.append(("Idempotency-Key", key)) }
        return try await connection.request("POST", "/v1/payment_intents", headers: headers, body: Self.charge)
    }

    static func configuration(idle: Duration? = .seconds(60), limit: Int = 1024) -> MockPaymentServer.Configuration {
        var configuration = MockPaymentServer.Configuration()
        configuration.idleTimeout = idle
        configuration.maximumConnections = limit
        return configuration
    }

    /// A Stripe charge's bytes, to `port`.
    static func chargeText(port: Int, key: String? = nil) -> String {
        var headers = [("Authorization", "Bearer \(testKey)")]
        if let key { headers.append(("Idempotency-Key", key)) }
        return RawHTTPConnection.requestText(
            "POST",
            "/v1/payment_intents",
            port: port,
            headers: headers,
            body: Self.charge
        )
    }

    @Test("A connection that sends nothing, one idle after an answer and one stalled mid-request are closed")
    func idleConnectionsClosed() async throws {
        try await MockPaymentServer.withServer(Self.configuration(idle: .seconds(1))) { server in
            let port = server.port
            let silent = try await RawHTTPConnection.open(port: port)
            // Each request is written as the connection opens, so the timeout cannot come first.
            let answered = try await RawHTTPConnection.open(port: port, sending: Self.chargeText(port: port))
            let stalled = try await RawHTTPConnection.open(
                port: port,
                sending: "POST /v1/payment_intents HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            )
            let partialBody = try await RawHTTPConnection.open(
                port: port,
                sending: "POST /v1/payment_intents HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
                    + "Authorization: Bearer \(testKey)\r\nContent-Length: 100\r\n\r\namount=5"
            )
            #expect(try await answered.response().status == 200)
            #expect(await silent.closedByServer())
            #expect(await answered.closedByServer())
            #expect(await stalled.closedByServer())
            #expect(await partialBody.closedByServer())
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Without an idle timeout, a connection stays open and keeps being served")
    func noIdleTimeout() async throws {
        try await MockPaymentServer.withServer(Self.configuration(idle: nil)) { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            #expect(try await Self.stripe(connection).status == 200)
            #expect(await connection.closedByServer(within: .seconds(1)) == false)
            #expect(try await Self.stripe(connection).status == 200)
        }
    }

    @Test(
        "A response held by a fault longer than the idle timeout is still delivered, on the same connection",
        arguments: [FaultRule.Action.stallAfterCommit(milliseconds: 3000), .latency(milliseconds: 3000)]
    )
    func heldResponseDelivered(action: FaultRule.Action) async throws {
        var configuration = Self.configuration(idle: .seconds(1))
        configuration.faults = [FaultRule(method: "POST", path: "/v1/payment_intents", action: action, count: 1)]
        try await MockPaymentServer.withServer(configuration) { server in
            let connection = try await RawHTTPConnection.open(
                port: server.port,
                sending: Self.chargeText(port: server.port, key: "held")
            )
            defer { Task { await connection.close() } }
            let held = try await connection.response()
            #expect(held.status == 200)
            #expect(held.json["status"] == "succeeded")
            #expect(server.ledger.count == 1)
            #expect(server.journal.map(\.fault) == [action.name])
            // Idle again after the answer: closed.
            #expect(await connection.closedByServer())
        }
    }

    @Test("The connection over the limit gets 503 too_many_connections and is closed; the others keep being served")
    func connectionLimit() async throws {
        try await MockPaymentServer.withServer(Self.configuration(limit: 3)) { server in
            var served: [RawHTTPConnection] = []
            for _ in 0..<3 {
                let connection = try await RawHTTPConnection.open(port: server.port)
                #expect(try await Self.stripe(connection).status == 200)
                served.append(connection)
            }
            let extra = try await RawHTTPConnection.open(port: server.port)
            let refused = try await Self.stripe(extra, key: "over-the-limit")
            #expect(refused.status == 503)
            #expect(refused.header("Connection") == "close")
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.json["error"]?["code"] == "too_many_connections")
            #expect(refused.json["error"]?["type"] == "api_error")
            #expect(await extra.closedByServer())
            let admin = try await RawHTTPConnection.open(port: server.port)
            let adminRefused = try await admin.request("GET", "/__admin/ledger")
            #expect(adminRefused.json["code"] == "too_many_connections")
            #expect(await admin.closedByServer())
            for connection in served {
                #expect(try await Self.stripe(connection).status == 200)
            }
            #expect(server.ledger.count == 6)
            #expect(!server.journal.contains { $0.idempotencyKey == "over-the-limit" })
            // A slot freed is a slot served again.
            await served.removeFirst().close()
            let deadline = ContinuousClock.now + .seconds(20)
            var status = 0
            while status != 200 && ContinuousClock.now < deadline {
                let next = try await RawHTTPConnection.open(port: server.port)
                status = try await Self.stripe(next).status
                if status != 200 { try await Task.sleep(for: .milliseconds(50)) }
                await next.close()
            }
            #expect(status == 200)
            for connection in served { await connection.close() }
        }
    }

    @Test("Many connections over the limit are all refused or dropped, and the server still serves its own")
    func flood() async throws {
        try await MockPaymentServer.withServer(Self.configuration(limit: 2)) { server in
            let first = try await RawHTTPConnection.open(port: server.port)
            let second = try await RawHTTPConnection.open(port: server.port)
            #expect(try await Self.stripe(first).status == 200)
            #expect(try await Self.stripe(second).status == 200)
            var flood: [RawHTTPConnection] = []
            for _ in 0..<150 { flood.append(try await RawHTTPConnection.open(port: server.port)) }
            // Every one is closed by the server: 64 after their grace, the rest at once.
            for connection in flood { #expect(await connection.closedByServer()) }
            #expect(try await Self.stripe(first).status == 200)
            #expect(try await Self.stripe(second).status == 200)
            await first.close()
            await second.close()
        }
    }
}
