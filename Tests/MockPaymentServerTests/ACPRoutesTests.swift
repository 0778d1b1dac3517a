import AgentRetry
import MockPaymentServer
import Testing

@Suite("ACP 2026-04-17 checkout sessions, with ACP's idempotency")
struct ACPRoutesTests {
    @Test("Create returns 201 with every required field, real totals and shipping options")
    func create() async throws {
        try await withMockServer { server, transport in
            var request = acpPost(
                server,
                "/checkout_sessions",
                sessionBody(items: ["item_tshirt", "item_tshirt", "item_mug"]),
                key: "c-1"
            )
            request.headers.add(name: "Request-Id", value: "req-77")
            let response = try await transport.execute(request)
            #expect(response.status == 201)
            #expect(response.headers.first(name: "Request-Id") == "req-77")
            let session = response.json
            for field in [
                "id", "status", "currency", "line_items", "totals", "fulfillment_options", "messages", "links",
                "capabilities",
            ] {
                #expect(session[field] != nil, "missing \(field)")
            }
            #expect(session["status"] == "ready_for_payment")
            #expect(session["line_items"]?.arrayValue?.first?["quantity"] == 2)
            let total = session["totals"]?.arrayValue?.first { $0["type"] == "total" }?["amount"]?.integerValue
            // 2 × 2500 + 1500 goods, free standard shipping from 5000, 8.75% tax: 6500 + 569.
            #expect(total == 7069)
            #expect(session["fulfillment_options"]?.arrayValue?.count == 2)
            #expect(session["metadata"]?["task_id"] == "task-1")
            #expect(response.headers.first(name: "Idempotency-Key") == "c-1")
        }
    }

    @Test("API-Version is required and checked, with the supported versions")
    func apiVersion() async throws {
        try await withMockServer { server, transport in
            for version in [nil, "2024-01-01"] {
                let response = try await transport.execute(
                    acpPost(server, "/checkout_sessions", sessionBody(), key: "v", version: version)
                )
                #expect(response.status == 400)
                #expect(response.json["code"] == (version == nil ? "missing_api_version" : "unsupported_api_version"))
                #expect(
                    response.json["supported_versions"]
                        == ["2026-04-17", "2026-01-30", "2026-01-16", "2025-12-12", "2025-09-29"]
                )
            }
        }
    }

    @Test("A POST without Idempotency-Key is a 400 idempotency_key_required")
    func keyRequired() async throws {
        try await withMockServer { server, transport in
            let response = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: nil))
            #expect(response.status == 400)
            #expect(response.json["code"] == "idempotency_key_required")
            #expect(response.json["type"] == "invalid_request")
        }
    }

    @Test("Bodies are compared as JSON values: key order and 1.0 vs 1 do not matter")
    func semanticEqualityReplays() async throws {
        try await withMockServer { server, transport in
            let first = try await transport.execute(
                acpPost(
                    server,
                    "/checkout_sessions",
                    #"{"currency": "usd", "line_items": [{"id": "item_mug"}], "#
                        + #""capabilities": {}, "metadata": {"n": 1}}"#,
                    key: "same"
                )
            )
            let second = try await transport.execute(
                acpPost(
                    server,
                    "/checkout_sessions",
                    #"{"metadata": {"n": 1.0}, "capabilities": {}, "#
                        + #""line_items": [{"id": "item_mug"}], "currency": "usd"}"#,
                    key: "same"
                )
            )
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(second.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(second.json["id"] == first.json["id"])
        }
    }

    @Test(
        "null differs from absent, and array order matters: 422 idempotency_conflict",
        arguments: [
            #"{"currency": "usd", "line_items": [{"id": "item_mug"}, {"id": "item_tshirt"}], "#
                + #""capabilities": {}, "buyer": null}"#,
            #"{"currency": "usd", "line_items": [{"id": "item_tshirt"}, {"id": "item_mug"}], "capabilities": {}}"#,
        ]
    )
    func conflicts(body: String) async throws {
        try await withMockServer { server, transport in
            let original =
                #"{"currency": "usd", "line_items": [{"id": "item_mug"}, {"id": "item_tshirt"}], "capabilities": {}}"#
            _ = try await transport.execute(acpPost(server, "/checkout_sessions", original, key: "k"))
            let conflict = try await transport.execute(acpPost(server, "/checkout_sessions", body, key: "k"))
            #expect(conflict.status == 422)
            #expect(conflict.json["code"] == "idempotency_conflict")
        }
    }

    @Test("The same key while the first is processing is a 409 idempotency_in_flight with Retry-After")
    func inFlight() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions", action: .latency(milliseconds: 5000), count: 1)
        ]
        try await withMockServer(configuration) { server, transport in
            let request = acpPost(server, "/checkout_sessions", sessionBody(), key: "busy")
            let slow = Task { try await transport.execute(request) }
            let second = try await firstConflict(server, transport, request)
            #expect(second.status == 409)
            #expect(second.json["code"] == "idempotency_in_flight")
            #expect(second.headers.first(name: "Retry-After") == "1")
            let first = try await slow.value
            #expect(first.status == 201)
        }
    }

    @Test("A 5xx is never saved: before processing the key stays free; after a commit the real result is kept")
    func fiveHundredsNotCached() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [
            FaultRule(
                method: "POST",
                path: "/checkout_sessions",
                action: .statusBefore(status: 503, retryAfter: "1"),
                count: 1
            ),
            FaultRule(
                method: "POST",
                path: "/checkout_sessions/*/complete",
                action: .statusAfterCommit(status: 500),
                count: 1
            ),
        ]
        try await withMockServer(configuration) { server, transport in
            let request = acpPost(server, "/checkout_sessions", sessionBody(), key: "five")
            let unavailable = try await transport.execute(request)
            #expect(unavailable.status == 503)
            #expect(unavailable.json["type"] == "service_unavailable")
            let created = try await transport.execute(request)
            #expect(created.status == 201)
            #expect(created.headers.first(name: "Idempotent-Replayed") == nil)

            let id = created.json["id"]?.stringValue ?? ""
            let complete = acpPost(
                server,
                "/checkout_sessions/\(id)/complete",
                completeBody(token: "spt_test_success"),
                key: "pay"
            )
            let failed = try await transport.execute(complete)
            #expect(failed.status == 500)
            let retried = try await transport.execute(complete)
            #expect(retried.status == 200)
            #expect(retried.json["status"] == "completed")
            #expect(retried.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Complete creates one order and one ledger entry; a replay creates nothing more")
    func completeSucceeds() async throws {
        try await withMockServer { server, transport in
            let created = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(taskID: "task-42"), key: "c")
            )
            let id = created.json["id"]?.stringValue ?? ""
            let complete = acpPost(
                server,
                "/checkout_sessions/\(id)/complete",
                completeBody(token: "spt_test_success"),
                key: "pay"
            )
            let done = try await transport.execute(complete)
            #expect(done.status == 200)
            #expect(done.json["status"] == "completed")
            #expect(done.json["order"]?["checkout_session_id"] == .string(id))
            #expect(done.json["order"]?["permalink_url"]?.stringValue?.hasPrefix(server.baseURL) == true)
            let replay = try await transport.execute(complete)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(server.ledger.map(\.kind) == ["order"])
            #expect(server.ledger.first?.taskID == "task-42")
            let fetched = try await transport.execute(acpGet(server, "/checkout_sessions/\(id)"))
            #expect(fetched.json["status"] == "completed")
        }
    }

    @Test("A declined credential gives a 2xx session with a payment_declined message and no order")
    func declined() async throws {
        try await withMockServer { server, transport in
            let created = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "c"))
            let id = created.json["id"]?.stringValue ?? ""
            let response = try await transport.execute(
                acpPost(
                    server,
                    "/checkout_sessions/\(id)/complete",
                    completeBody(token: "spt_test_declined"),
                    key: "pay"
                )
            )
            #expect(response.status == 200)
            #expect(response.json["status"] == "ready_for_payment")
            #expect(response.json["messages"]?.arrayValue?.first?["code"] == "payment_declined")
            #expect(response.json["order"] == nil)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("A credential that needs 3DS gets requires_3ds, then completes with an authentication result")
    func threeDS() async throws {
        try await withMockServer { server, transport in
            let created = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "c"))
            let id = created.json["id"]?.stringValue ?? ""
            let challenge = try await transport.execute(
                acpPost(server, "/checkout_sessions/\(id)/complete", completeBody(token: "spt_test_3ds"), key: "pay-1")
            )
            #expect(challenge.status == 400)
            #expect(challenge.json["code"] == "requires_3ds")
            #expect(challenge.json["param"] == "$.authentication_result")
            let state = try await transport.execute(acpGet(server, "/checkout_sessions/\(id)"))
            #expect(state.json["status"] == "authentication_required")
            let done = try await transport.execute(
                acpPost(
                    server,
                    "/checkout_sessions/\(id)/complete",
                    completeBody(token: "spt_test_3ds", authentication: "authenticated"),
                    key: "pay-2"
                )
            )
            #expect(done.json["status"] == "completed")
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Out of stock and missing address keep a session not ready, with messages; update fixes the address")
    func readiness() async throws {
        try await withMockServer { server, transport in
            let soldOut = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(items: ["item_hoodie"]), key: "a")
            )
            #expect(soldOut.json["status"] == "not_ready_for_payment")
            #expect(soldOut.json["messages"]?.arrayValue?.contains { $0["code"] == "out_of_stock" } == true)
            let noAddress = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(address: false), key: "b")
            )
            #expect(noAddress.json["status"] == "not_ready_for_payment")
            let id = noAddress.json["id"]?.stringValue ?? ""
            let update =
                #"{"fulfillment_details": {"address": {"name": "Ada", "line_one": "1 Loop Rd", "city": "Springfield", "#
                + #""state": "IL", "country": "US", "postal_code": "62701"}}, "#
                + #""selected_fulfillment_options": "#
                + #"[{"type": "shipping", "option_id": "ship_express", "item_ids": ["li_1"]}]}"#
            let updated = try await transport.execute(acpPost(server, "/checkout_sessions/\(id)", update, key: "u"))
            #expect(updated.json["status"] == "ready_for_payment")
            #expect(updated.json["selected_fulfillment_options"]?.arrayValue?.first?["option_id"] == "ship_express")
            let unknown = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(items: ["item_nope"]), key: "c")
            )
            #expect(unknown.status == 400)
            #expect(unknown.json["code"] == "invalid_item_id")
        }
    }

    @Test("Cancel works once; cancelling a canceled or completed session is 405")
    func cancel() async throws {
        try await withMockServer { server, transport in
            let first = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "a"))
            let id = first.json["id"]?.stringValue ?? ""
            let canceled = try await transport.execute(
                acpPost(server, "/checkout_sessions/\(id)/cancel", "", key: "x1")
            )
            #expect(canceled.json["status"] == "canceled")
            let again = try await transport.execute(acpPost(server, "/checkout_sessions/\(id)/cancel", "", key: "x2"))
            #expect(again.status == 405)
            let second = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "b"))
            let other = second.json["id"]?.stringValue ?? ""
            _ = try await transport.execute(
                acpPost(
                    server,
                    "/checkout_sessions/\(other)/complete",
                    completeBody(token: "spt_test_success"),
                    key: "p"
                )
            )
            let afterComplete = try await transport.execute(
                acpPost(server, "/checkout_sessions/\(other)/cancel", "", key: "x3")
            )
            #expect(afterComplete.status == 405)
            let missing = try await transport.execute(acpGet(server, "/checkout_sessions/cs_nope"))
            #expect(missing.status == 404)
        }
    }

    @Test("Sessions expire, and keys are forgotten after the retention, on the controlled clock")
    func expiryAndRetention() async throws {
        let clock = ManualMockClock()
        var configuration = MockPaymentServer.Configuration()
        configuration.clock = clock
        try await withMockServer(configuration) { server, transport in
            let request = acpPost(server, "/checkout_sessions", sessionBody(), key: "old")
            let first = try await transport.execute(request)
            let id = first.json["id"]?.stringValue ?? ""
            clock.advance(by: .seconds(31 * 60))
            let expired = try await transport.execute(acpGet(server, "/checkout_sessions/\(id)"))
            #expect(expired.json["status"] == "expired")
            let replay = try await transport.execute(request)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            clock.advance(by: .seconds(24 * 3600))
            let fresh = try await transport.execute(request)
            #expect(fresh.status == 201)
            #expect(fresh.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(fresh.json["id"] != first.json["id"])
        }
    }
}
