import AgentRetry
import MockPaymentServer
import Testing

/// Every fault action, observed from the client side through AgentRetry's libcurl transport.
@Suite("Fault injection seen by a real client")
struct FaultInjectionTests {
    private func charge(_ server: MockPaymentServer, key: String = "k", task: String = "t") -> HTTPRequest {
        stripePost(
            server,
            "/v1/payment_intents",
            "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=\(task)",
            key: key
        )
    }

    private func server(with action: FaultRule.Action) -> MockPaymentServer.Configuration {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [FaultRule(method: "POST", path: "/v1/payment_intents", action: action, count: 1)]
        return configuration
    }

    @Test("drop_after_commit: timeout-but-success; the retry with the same key is replayed, one charge")
    func dropAfterCommit() async throws {
        try await withMockServer(self.server(with: .dropAfterCommit)) { server, transport in
            let error = try await failure { try await transport.execute(self.charge(server)) }
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(server.ledger.count == 1)
            let retry = try await transport.execute(self.charge(server))
            #expect(retry.status == 200)
            #expect(retry.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(server.ledger.count == 1)
            #expect(server.journal.first?.status == nil)
            #expect(server.journal.first?.fault == "drop_after_commit")
        }
    }

    @Test("stall_after_commit: the client times out, the effect is done")
    func stallAfterCommit() async throws {
        var transportConfiguration = HTTPTransport.Configuration()
        transportConfiguration.timeout = .init(connect: .seconds(2), total: .milliseconds(300))
        try await withMockServer(
            self.server(with: .stallAfterCommit(milliseconds: 1500)),
            transport: transportConfiguration
        ) { server, transport in
            let error = try await failure { try await transport.execute(self.charge(server)) }
            #expect(error.code == .curl(.operationTimedOut))
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("reset_before_commit: the connection closes and nothing is charged")
    func resetBeforeCommit() async throws {
        try await withMockServer(self.server(with: .resetBeforeCommit)) { server, transport in
            let error = try await failure { try await transport.execute(self.charge(server)) }
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(server.ledger.isEmpty)
            let retry = try await transport.execute(self.charge(server))
            #expect(retry.status == 200)
            #expect(retry.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("status_before: the status with an error body and Retry-After, before any effect")
    func statusBefore() async throws {
        try await withMockServer(self.server(with: .statusBefore(status: 503, retryAfter: "2"))) { server, transport in
            let response = try await transport.execute(self.charge(server))
            #expect(response.status == 503)
            #expect(response.headers.first(name: "Retry-After") == "2")
            #expect(response.json["error"]?["type"] == "api_error")
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("status_after_commit: a 500 after the charge, which Stripe's idempotency then replays")
    func statusAfterCommit() async throws {
        try await withMockServer(self.server(with: .statusAfterCommit(status: 500))) { server, transport in
            let response = try await transport.execute(self.charge(server))
            #expect(response.status == 500)
            #expect(server.ledger.count == 1)
            let retry = try await transport.execute(self.charge(server))
            #expect(retry.status == 500)
            #expect(retry.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(server.ledger.count == 1)
        }
    }

    @Test("latency: the answer comes after the delay, normal otherwise")
    func latency() async throws {
        try await withMockServer(self.server(with: .latency(milliseconds: 250))) { server, transport in
            let clock = ContinuousClock()
            let started = clock.now
            let response = try await transport.execute(self.charge(server))
            #expect(clock.now - started >= .milliseconds(250))
            #expect(response.status == 200)
        }
    }

    @Test("truncate_body: half a body after the commit is mayHaveBeenProcessed")
    func truncateBody() async throws {
        try await withMockServer(self.server(with: .truncateBody)) { server, transport in
            let error = try await failure { try await transport.execute(self.charge(server)) }
            #expect(error.code == .curl(.partialFile))
            #expect(error.responseStatus == 200)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("garbage: bytes that are not HTTP, and no effect")
    func garbage() async throws {
        try await withMockServer(self.server(with: .garbage)) { server, transport in
            let error = try await failure { try await transport.execute(self.charge(server)) }
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("count limits a rule; probability draws from the seed, the same seed giving the same decisions")
    func countAndSeed() async throws {
        func decisions(seed: UInt64) async throws -> [String?] {
            var configuration = MockPaymentServer.Configuration(seed: seed)
            configuration.faults = [
                FaultRule(
                    method: "GET",
                    path: "/v1/payment_intents/*",
                    action: .statusBefore(status: 503, retryAfter: nil),
                    probability: 0.5
                )
            ]
            return try await withMockServer(configuration) { server, transport in
                for _ in 0..<40 { _ = try await transport.execute(stripeGet(server, "/v1/payment_intents/pi_x")) }
                return server.journal.map(\.fault)
            }
        }
        let first = try await decisions(seed: 42)
        #expect(first == (try await decisions(seed: 42)))
        #expect(first.contains(nil) && first.contains("status_before"))
        #expect(first != (try await decisions(seed: 43)))

        var limited = MockPaymentServer.Configuration()
        limited.faults = [
            FaultRule(path: "/v1/payment_intents/*", action: .statusBefore(status: 500, retryAfter: nil), count: 2)
        ]
        try await withMockServer(limited) { server, transport in
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await transport.execute(stripeGet(server, "/v1/payment_intents/pi_x")).status)
            }
            #expect(statuses == [500, 500, 404, 404])
        }
    }

    @Test("Rules that could not be sent safely are refused when read")
    func unsafeRulesRefused() {
        #expect(throws: FaultRule.FormatError.self) {
            try FaultRule(json: ["action": "status_before", "status": 103])
        }
        #expect(throws: FaultRule.FormatError.self) {
            try FaultRule(json: ["action": "status_before", "status": 503, "retry_after": "1\r\nX-Evil: 1"])
        }
        #expect(throws: FaultRule.FormatError.self) { try FaultRule(json: ["action": "latency"]) }
        #expect(throws: FaultRule.FormatError.self) {
            try FaultRule(json: ["action": "drop_after_commit", "probability": 2])
        }
    }

    @Test("ACP complete behind drop_after_commit: one order, and the retry is replayed")
    func acpDropAfterCommit() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions/*/complete", action: .dropAfterCommit, count: 1)
        ]
        try await withMockServer(configuration) { server, transport in
            let created = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "c"))
            let id = created.json["id"]?.stringValue ?? ""
            let complete = acpPost(
                server,
                "/checkout_sessions/\(id)/complete",
                completeBody(token: "spt_test_success"),
                key: "pay"
            )
            let error = try await failure { try await transport.execute(complete) }
            #expect(error.failureClass == .mayHaveBeenProcessed)
            let retry = try await transport.execute(complete)
            #expect(retry.json["status"] == "completed")
            #expect(retry.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(server.ledger.count == 1)
            #expect(server.duplicateCharges.isEmpty)
        }
    }
}

/// The transport error `operation` throws.
func failure(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> HTTPResponse
) async throws -> HTTPTransportError {
    do {
        let response = try await operation()
        Issue.record("expected a transport error, got status \(response.status)", sourceLocation: sourceLocation)
        throw MissingFailure()
    } catch let error as HTTPTransportError {
        return error
    }
}

struct MissingFailure: Error {}
