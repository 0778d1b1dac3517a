import AgentRetry
import MockPaymentServer
import Testing

/// How each profile reads `API-Version` and the request's shape, and how it refuses a body.
@Suite("API-Version and request shapes per merchant profile")
struct MerchantVersionTests {
    static let old = VersionedACPBodies(version: "2025-09-29")
    static let details = VersionedACPBodies(version: "2026-01-16")

    @Test("spec: a missing or unspoken version is a 400 listing the versions spoken, newest first")
    func specRefusesVersions() async throws {
        let configuration = merchantConfiguration(.spec, versions: ["2026-01-16", "2025-09-29"])
        try await withMockServer(configuration) { server, transport in
            for (version, code) in [(nil, "missing_api_version"), ("2026-04-17", "unsupported_api_version")] {
                let response = try await transport.execute(
                    acpPost(server, "/checkout_sessions", sessionBody(), key: "v", version: version)
                )
                #expect(response.status == 400)
                #expect(response.json["type"] == "invalid_request")
                #expect(response.json["code"]?.stringValue == code)
                #expect(response.json["supported_versions"] == ["2026-01-16", "2025-09-29"])
            }
            let spoken = try await transport.execute(
                acpPost(server, "/checkout_sessions", Self.old.create(), key: "ok", version: "2025-09-29")
            )
            #expect(spoken.status == 201)
        }
    }

    @Test("plain: an unspoken version is a 500 text/plain; a missing one is its newest")
    func plainVersions() async throws {
        let configuration = merchantConfiguration(.plain, versions: ["2025-09-29", "2025-12-12"])
        try await withMockServer(configuration) { server, transport in
            let refused = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(), key: "v", version: "2026-04-17")
            )
            #expect(refused.status == 500)
            #expect(refused.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
            #expect(refused.bodyText == "Internal Server Error")
            let newest = try await transport.execute(
                acpPost(server, "/checkout_sessions", Self.details.create(address: true), key: "n", version: nil)
            )
            #expect(newest.status == 201, "\(newest.bodyText)")
            #expect(newest.json["fulfillment_details"] != nil)
            #expect(newest.json["payment_provider"]?["merchant_id"] == nil, "2025-12-12 has no merchant_id")
            #expect(newest.json["protocol"] == nil)
        }
    }

    @Test("fastapi: API-Version is ignored; the shape tells the version")
    func fastapiReadsShape() async throws {
        let configuration = merchantConfiguration(.fastapi, versions: ["2025-09-29", "2026-04-17"])
        try await withMockServer(configuration) { server, transport in
            let old = try await transport.execute(
                acpPost(server, "/checkout_sessions", Self.old.create(address: true), key: "a", version: "2026-04-17")
            )
            #expect(old.status == 201, "\(old.bodyText)")
            #expect(old.json["fulfillment_address"]?["city"] == "Springfield")
            let id = old.json["id"]?.stringValue ?? ""
            let read = try await transport.execute(acpRead(server, "/checkout_sessions/\(id)", version: "2026-04-17"))
            #expect(read.json["fulfillment_address"] != nil, "a read answers in the session's own version")
            let new = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(), key: "b", version: "2025-09-29")
            )
            #expect(new.status == 201)
            #expect(new.json["protocol"]?["version"] == "2026-04-17")
        }
    }

    @Test("fastapi: a shape it does not speak, an unknown member, a missing one: 422 with pydantic's detail array")
    func fastapiValidation() async throws {
        try await withMockServer(merchantConfiguration(.fastapi, versions: ["2026-01-16"])) { server, transport in
            let newest = try await transport.execute(acpPost(server, "/checkout_sessions", sessionBody(), key: "n"))
            #expect(newest.status == 422)
            let errors = newest.json["detail"]?.arrayValue ?? []
            #expect(errors.contains { $0["type"] == "missing" && $0["loc"] == ["body", "items"] })
            #expect(errors.contains { $0["type"] == "extra_forbidden" && $0["loc"] == ["body", "line_items"] })
            #expect(errors.contains { $0["type"] == "extra_forbidden" && $0["loc"] == ["body", "currency"] })

            let withMetadata = #"{"items": [{"id": "item_mug", "quantity": 1}], "metadata": {"task_id": "t"}}"#
            let extra = try await transport.execute(acpPost(server, "/checkout_sessions", withMetadata, key: "x"))
            #expect(extra.status == 422)
            #expect(
                extra.json["detail"]
                    == [
                        [
                            "type": "extra_forbidden", "loc": ["body", "metadata"],
                            "msg": "Extra inputs are not permitted", "input": ["task_id": "t"],
                        ]
                    ]
            )
            let noItems = #"{"fulfillment_details": {"name": "Ada"}}"#
            let missing = try await transport.execute(acpPost(server, "/checkout_sessions", noItems, key: "m"))
            #expect(missing.status == 422)
            #expect(missing.json["detail"]?.arrayValue?.first?["type"] == "missing")
            #expect(missing.json["detail"]?.arrayValue?.first?["loc"] == ["body", "items"])
            #expect(missing.json["detail"]?.arrayValue?.first?["msg"] == "Field required")
        }
    }

    @Test("Unknown and out-of-stock items per profile", arguments: MerchantProfile.allCases)
    func items(profile: MerchantProfile) async throws {
        try await withMockServer(merchantConfiguration(profile)) { server, transport in
            let unknown = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(items: ["item_nope"]), key: "u")
            )
            #expect(unknown.status == 400)
            let error = MerchantIdempotencyTests.error(unknown, profile)
            #expect(error?["code"] == (profile == .fastapi ? "product_not_found" : "invalid_item_id"))
            #expect(error?["param"] == "$.line_items[0].id")

            let soldOut = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(items: ["item_hoodie"]), key: "s")
            )
            if profile == .fastapi {
                #expect(soldOut.status == 409)
                #expect(soldOut.json["detail"]?["code"] == "out_of_stock")
                #expect(soldOut.json["detail"]?["type"] == "invalid_request")
            } else {
                #expect(soldOut.status == 201)
                #expect(soldOut.json["messages"]?.arrayValue?.first?["code"] == "out_of_stock")
            }
            let missing = try await transport.execute(
                acpRead(server, "/checkout_sessions/cs_nope", version: "2026-04-17")
            )
            #expect(missing.status == 404)
            #expect(MerchantIdempotencyTests.error(missing, profile)?["code"] == "not_found")
        }
    }
}
