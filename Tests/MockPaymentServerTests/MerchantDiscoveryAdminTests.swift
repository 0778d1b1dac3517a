import AgentRetry
import Foundation
import MockPaymentServer
import Testing

/// `/.well-known/acp.json` and `/__admin/merchant`.
@Suite("Discovery and the merchant admin API")
struct MerchantDiscoveryAdminTests {
    static func discovery(_ server: MockPaymentServer, _ transport: HTTPTransport) async throws -> HTTPResponse {
        try await transport.execute(HTTPRequest(url: server.baseURL + "/.well-known/acp.json"))
    }

    @Test("spec serves discovery without authentication: the versions spoken oldest first, valid by the schema")
    func specServesDiscovery() async throws {
        let configuration = merchantConfiguration(.spec, versions: ["2026-01-30", "2025-09-29"])
        try await withMockServer(configuration) { server, transport in
            let response = try await Self.discovery(server, transport)
            #expect(response.status == 200)
            #expect(response.headers.first(name: "Cache-Control") == "public, max-age=3600")
            let document = response.json
            #expect(document["protocol"]?["name"] == "acp")
            #expect(document["protocol"]?["version"] == "2026-01-30")
            #expect(document["protocol"]?["supported_versions"] == ["2025-09-29", "2026-01-30"])
            #expect(document["api_base_url"]?.stringValue == server.baseURL)
            #expect(document["transports"] == ["rest"])
            #expect(document["capabilities"]?["services"]?.arrayValue?.contains("checkout") == true)
            try await ACPVersionSchemaTests.validate([
                ACPVersionSchemaTests.Payload(version: "2026-04-17", definition: "DiscoveryResponse", json: document)
            ])
        }
    }

    @Test(
        "Discovery defaults: on for spec, off for fastapi and plain; the configuration overrides",
        arguments: [
            (MerchantProfile.spec, nil, true), (.fastapi, nil, false), (.plain, nil, false), (.fastapi, true, true),
            (.spec, false, false),
        ] as [(MerchantProfile, Bool?, Bool)]
    )
    func discoveryDefaults(profile: MerchantProfile, override: Bool?, served: Bool) async throws {
        var configuration = merchantConfiguration(profile)
        configuration.servesDiscovery = override
        try await withMockServer(configuration) { server, transport in
            let response = try await Self.discovery(server, transport)
            #expect(response.status == (served ? 200 : 404))
        }
    }

    @Test("GET /__admin/merchant reads the merchant; POST changes it at run time")
    func adminMerchant() async throws {
        try await withMockServer { server, transport in
            let initial = try await transport.execute(adminRequest(server, "/__admin/merchant"))
            #expect(
                initial.json
                    == [
                        "profile": "spec",
                        "acp_versions": .array(MockPaymentServer.releasedACPVersions.map { .string($0) }),
                        "discovery": true,
                        "mcp": [
                            "results": "tool_result", "errors": "json_rpc", "encoding": "json",
                            "requires_idempotency_key": true,
                        ],
                    ]
            )
            let changed = try await transport.execute(
                adminRequest(
                    server,
                    "/__admin/merchant",
                    body: #"{"profile": "plain", "acp_versions": ["2025-12-12", "2025-09-29"], "discovery": true, "#
                        + #""mcp": {"results": "bare", "encoding": "event_stream"}}"#
                )
            )
            #expect(changed.json["profile"] == "plain")
            #expect(changed.json["acp_versions"] == ["2025-09-29", "2025-12-12"])
            #expect(changed.json["discovery"] == true)
            #expect(changed.json["mcp"]?["results"] == "bare")
            #expect(changed.json["mcp"]?["encoding"] == "event_stream")
            #expect(changed.json["mcp"]?["errors"] == "json_rpc")
            let document = try await Self.discovery(server, transport)
            #expect(document.json["protocol"]?["version"] == "2025-12-12")
            let refused = try await transport.execute(
                acpPost(server, "/checkout_sessions", sessionBody(), key: "k", version: "2026-04-17")
            )
            #expect(refused.status == 500)

            let followProfile = try await transport.execute(
                adminRequest(server, "/__admin/merchant", body: #"{"discovery": null}"#)
            )
            #expect(followProfile.json["discovery"] == false)
            #expect(try await Self.discovery(server, transport).status == 404)
        }
    }

    @Test("The admin API refuses an unknown profile or version and changes nothing")
    func adminRefuses() async throws {
        try await withMockServer { server, transport in
            let bodies = [
                #"{"profile": "django"}"#, #"{"acp_versions": ["2024-01-01"]}"#, #"{"acp_versions": []}"#,
                #"{"mcp": {"results": "xml"}}"#, #"{"mcp": {"colour": "red"}}"#, #"{"mcp": []}"#,
                #"{"profile": "plain", "mcp": {"requires_idempotency_key": "yes"}}"#,
            ]
            for body in bodies {
                let response = try await transport.execute(adminRequest(server, "/__admin/merchant", body: body))
                #expect(response.status == 400, "\(body)")
            }
            let unknown = try await transport.execute(
                adminRequest(server, "/__admin/merchant", body: #"{"acp_versions": ["2024-01-01"]}"#)
            )
            #expect(unknown.json["message"]?.stringValue?.contains("2024-01-01") == true)
            let current = try await transport.execute(adminRequest(server, "/__admin/merchant"))
            #expect(current.json["profile"] == "spec")
            #expect(current.json["acp_versions"]?.arrayValue?.count == 5)
            #expect(current.json["mcp"]?["requires_idempotency_key"] == true)
        }
    }

    @Test("start refuses an unknown or empty acpVersions")
    func configurationRefused() async throws {
        for versions in [["2024-01-01"], []] {
            var configuration = MockPaymentServer.Configuration()
            configuration.acpVersions = versions
            await #expect(throws: MockPaymentServer.ConfigurationError.self) {
                try await MockPaymentServer.withServer(configuration) { _ in }
            }
        }
    }
}
