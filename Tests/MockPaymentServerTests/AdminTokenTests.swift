import AgentRetry
import MockPaymentServer
import Testing

/// `Configuration.adminToken`: every admin request needs it in `X-Admin-Token`; the payment API
/// key in `Authorization` is never taken for it, and the token is never echoed or printed.
@Suite("Mock server: the optional admin token")
struct AdminTokenTests {
    static let token = "adm-Secret_0123456789"

    @Test("Without X-Admin-Token an admin request is 401 admin_token_required; a wrong one invalid_admin_token")
    func requiresToken() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.adminToken = Self.token
        try await MockPaymentServer.withServer(configuration) { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            let json = ("Content-Type", "application/json")
            let missing = try await connection.request("GET", "/__admin/ledger")
            #expect(missing.status == 401)
            #expect(missing.json["code"] == "admin_token_required")
            // The payment API's Bearer key is not the admin token, even when it has the same value.
            let bearer = try await connection.request(
                "POST",
                "/__admin/reset",
                headers: [json, ("Authorization", "Bearer \(Self.token)")]
            )
            #expect(bearer.json["code"] == "admin_token_required")
            for wrong in [String(Self.token.dropLast()), Self.token + "x", "", "ADM-SECRET_0123456789"] {
                let refused = try await connection.request(
                    "POST",
                    "/__admin/reset",
                    headers: [json, ("X-Admin-Token", wrong)]
                )
                #expect(refused.status == 401, "\(wrong)")
                #expect(refused.json["code"] == "invalid_admin_token", "\(wrong)")
                #expect(!refused.text.contains(Self.token))
            }
            let twice = try await connection.request(
                "GET",
                "/__admin/ledger",
                headers: [("X-Admin-Token", Self.token), ("X-Admin-Token", "other")]
            )
            #expect(twice.status == 401)
            let read = try await connection.request("GET", "/__admin/ledger", headers: [("X-Admin-Token", Self.token)])
            #expect(read.status == 200)
            #expect(!read.text.contains(Self.token))
            // The token does not stand in for JSON: the write is still checked for its type.
            let untyped = try await connection.request(
                "POST",
                "/__admin/reset",
                headers: [("X-Admin-Token", Self.token)]
            )
            #expect(untyped.status == 415)
            let reset = try await connection.request(
                "POST",
                "/__admin/reset",
                headers: [json, ("X-Admin-Token", Self.token)]
            )
            #expect(reset.status == 200)
            // Payment routes do not ask for it.
            let charge = try await connection.request(
                "POST",
                "/v1/payment_intents",
                headers: [("Authorization", "Bearer \(testKey)")],
                body: "amount=5&currency=usd&payment_method=pm_card_visa&confirm=true"
            )
            #expect(charge.status == 200)
            // In process, no token is needed.
            server.addFaults([FaultRule(path: "/nowhere", action: .garbage)])
            server.reset()
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("The token is not in the configuration's description or dump, nor in the error for a malformed one")
    func neverPrinted() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.adminToken = Self.token
        #expect(!String(describing: configuration).contains(Self.token))
        #expect(String(describing: configuration).contains("adminToken: redacted"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains(Self.token))
        for malformed in ["", "has space", "line\r\nX-Injected: 1", "tab\there", "naïve"] {
            configuration.adminToken = malformed
            do {
                try configuration.validate()
                Issue.record("\(malformed.debugDescription) was accepted")
            } catch {
                #expect(error.code == .invalidAdminToken)
                #expect(malformed.isEmpty || !error.description.contains(malformed))
            }
            await #expect(throws: MockPaymentServer.ConfigurationError.self) {
                try await MockPaymentServer.start(configuration)
            }
        }
    }
}
