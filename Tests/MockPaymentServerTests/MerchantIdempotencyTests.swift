import AgentRetry
import MockPaymentServer
import Testing

/// Replays, reused keys and keys in flight, as each merchant profile answers them.
@Suite("Idempotency answers per merchant profile")
struct MerchantIdempotencyTests {
    /// The replay mark each profile sets: spec `Idempotent-Replayed`, fastapi
    /// `X-Idempotency-Cached`, plain none.
    static let replayHeaders: [(MerchantProfile, String?)] = [
        (.spec, "Idempotent-Replayed"), (.fastapi, "X-Idempotency-Cached"), (.plain, nil),
    ]

    /// The error object inside the profile's envelope.
    static func error(_ response: HTTPResponse, _ profile: MerchantProfile) -> JSONValue? {
        switch profile {
        case .spec: response.json
        case .fastapi: response.json["detail"]
        case .plain: response.json["error"]
        }
    }

    @Test("A replay is the saved answer, marked with the profile's header and no other", arguments: Self.replayHeaders)
    func replay(profile: MerchantProfile, header: String?) async throws {
        try await withMockServer(merchantConfiguration(profile)) { server, transport in
            let request = acpPost(server, "/checkout_sessions", sessionBody(), key: "r-1")
            let first = try await transport.execute(request)
            #expect(first.status == 201)
            #expect(first.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(first.headers.first(name: "X-Idempotency-Cached") == nil)
            let second = try await transport.execute(request)
            #expect(second.status == 201)
            #expect(second.json["id"] == first.json["id"])
            for name in ["Idempotent-Replayed", "X-Idempotency-Cached"] {
                #expect(second.headers.first(name: name) == (name == header ? "true" : nil), "\(name)")
            }
            #expect(server.checkoutSessionsByTask["task-1"]?.count == 1)
        }
    }

    @Test(
        "A key reused with another body: spec 422 idempotency_conflict, others 409 request_not_idempotent",
        arguments: MerchantProfile.allCases
    )
    func mismatch(profile: MerchantProfile) async throws {
        try await withMockServer(merchantConfiguration(profile)) { server, transport in
            _ = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "m-1"))
            let other = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(items: ["item_mug"]), key: "m-1")
            )
            let error = Self.error(other, profile)
            #expect(other.status == (profile == .spec ? 422 : 409))
            #expect(error?["code"] == (profile == .spec ? "idempotency_conflict" : "request_not_idempotent"))
            #expect(error?["type"] == "invalid_request")
            #expect(error?["message"]?.stringValue?.isEmpty == false)
            if profile != .spec { #expect(other.json["code"] == nil, "the error is wrapped: \(other.bodyText)") }
        }
    }

    @Test(
        "The same JSON with members reordered is a replay by meaning, a mismatch over raw bytes (fastapi)",
        arguments: MerchantProfile.allCases
    )
    func reorderedMembers(profile: MerchantProfile) async throws {
        let body = #"{"currency": "usd", "capabilities": {}, "line_items": [{"id": "item_ebook"}]}"#
        let reordered = #"{"line_items": [{"id": "item_ebook"}], "capabilities": {}, "currency": "usd"}"#
        try await withMockServer(merchantConfiguration(profile)) { server, transport in
            let first = try await transport.execute(acpPost(server, "/checkout_sessions", body, key: "o-1"))
            #expect(first.status == 201)
            let second = try await transport.execute(acpPost(server, "/checkout_sessions", reordered, key: "o-1"))
            if profile == .fastapi {
                #expect(second.status == 409)
                #expect(second.json["detail"]?["code"] == "request_not_idempotent")
            } else {
                #expect(second.status == 201)
                #expect(second.json["id"] == first.json["id"])
            }
            let same = try await transport.execute(acpPost(server, "/checkout_sessions", body, key: "o-1"))
            #expect(same.json["id"] == first.json["id"])
        }
    }

    @Test(
        "A key in flight: 409 idempotency_in_flight with Retry-After, in the profile's envelope",
        arguments: MerchantProfile.allCases
    )
    func inFlight(profile: MerchantProfile) async throws {
        var configuration = merchantConfiguration(profile)
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions", action: .latency(milliseconds: 5000), count: 1)
        ]
        try await withMockServer(configuration) { server, transport in
            let request = acpPost(server, "/checkout_sessions", sessionBody(), key: "busy")
            let slow = Task { try await transport.execute(request) }
            let second = try await firstConflict(server, transport, request)
            #expect(second.status == 409)
            #expect(Self.error(second, profile)?["code"] == "idempotency_in_flight")
            #expect(second.headers.first(name: "Retry-After") == "1")
            let first = try await slow.value
            #expect(first.status == 201)
            #expect(server.checkoutSessionsByTask["task-1"]?.count == 1)
        }
    }

    @Test(
        "Faults apply under every profile: complete behind drop_after_commit, in the oldest version, is one order",
        arguments: MerchantIdempotencyTests.replayHeaders
    )
    func dropAfterCommit(profile: MerchantProfile, header: String?) async throws {
        var configuration = merchantConfiguration(profile)
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions/*/complete", action: .dropAfterCommit, count: 1)
        ]
        let bodies = VersionedACPBodies(version: "2025-09-29")
        try await withMockServer(configuration) { server, transport in
            let created = try await transport.execute(
                acpPost(server, "/checkout_sessions", bodies.create(address: true), key: "c", version: "2025-09-29")
            )
            let id = try #require(created.json["id"]?.stringValue)
            let complete = acpPost(
                server,
                "/checkout_sessions/\(id)/complete",
                bodies.complete(),
                key: "pay",
                version: "2025-09-29"
            )
            let error = try await failure { try await transport.execute(complete) }
            #expect(error.failureClass == .mayHaveBeenProcessed)
            let retry = try await transport.execute(complete)
            #expect(retry.json["status"] == "completed")
            if let header { #expect(retry.headers.first(name: header) == "true") }
            #expect(server.ledger.filter { $0.kind == "order" }.count == 1)
            #expect(server.ledger.first?.checkoutSessionID == id)
        }
    }
}
