import AgentRetry
import MockPaymentServer
import Testing

/// What a web page on the same machine can send the mock: a cross-site form or `fetch`, and a
/// DNS-rebinding page whose name now resolves to 127.0.0.1. Over real sockets, with the exact
/// headers a browser would send.
@Suite("Mock server: foreign hosts and origins are refused; admin writes must be JSON")
struct RequestGuardTests {
    static let rule = #"{"match": {"path": "/v1/payment_intents"}, "action": "status_before", "status": 503}"#
    static let json = ("Content-Type", "application/json")
    static let stripeKey = ("Authorization", "Bearer \(testKey)")

    /// The rules in force, read over HTTP as a well-behaved client does.
    static func rules(_ connection: RawHTTPConnection) async throws -> Int {
        let listed = try await connection.request("GET", "/__admin/faults")
        #expect(listed.status == 200, "\(listed.text)")
        return listed.json["rules"]?.arrayValue?.count ?? -1
    }

    @Test("A text/plain POST from a foreign origin is 403 forbidden_origin; without Origin it is 415; no rule added")
    func crossSiteAdminWrites() async throws {
        try await MockPaymentServer.withServer { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            let evil = try await connection.request(
                "POST",
                "/__admin/faults",
                headers: [("Content-Type", "text/plain"), ("Origin", "http://evil.example")],
                body: Self.rule
            )
            #expect(evil.status == 403)
            #expect(evil.json["code"] == "forbidden_origin")
            #expect(evil.json["type"] == "invalid_request")
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json"] {
                let plain = try await connection.request(
                    "POST",
                    "/__admin/faults",
                    headers: [("Content-Type", type)],
                    body: Self.rule
                )
                #expect(plain.status == 415, "\(type)")
                #expect(plain.json["code"] == "unsupported_media_type", "\(type)")
            }
            let untyped = try await connection.request("POST", "/__admin/faults", body: Self.rule)
            #expect(untyped.status == 415)
            #expect(try await Self.rules(connection) == 0)
            let added = try await connection.request(
                "POST",
                "/__admin/faults",
                headers: [("Content-Type", "application/json; charset=utf-8")],
                body: Self.rule
            )
            #expect(added.status == 200)
            #expect(try await Self.rules(connection) == 1)
        }
    }

    @Test("/__admin/reset with a form type and DELETE /__admin/faults without a type are 415 and change nothing")
    func bodilessAdminWrites() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = [FaultRule(path: "/nowhere", action: .garbage)]
        try await MockPaymentServer.withServer(configuration) { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            let charge = try await connection.request(
                "POST",
                "/v1/payment_intents",
                headers: [Self.stripeKey, ("Content-Type", "application/x-www-form-urlencoded")],
                body: "amount=5&currency=usd&payment_method=pm_card_visa&confirm=true"
            )
            #expect(charge.status == 200)
            let reset = try await connection.request(
                "POST",
                "/__admin/reset",
                headers: [("Content-Type", "application/x-www-form-urlencoded")]
            )
            #expect(reset.status == 415)
            #expect(server.ledger.count == 1)
            let delete = try await connection.request("DELETE", "/__admin/faults")
            #expect(delete.status == 415)
            #expect(try await Self.rules(connection) == 1)
            #expect(try await connection.request("DELETE", "/__admin/faults", headers: [Self.json]).status == 200)
            #expect(try await connection.request("POST", "/__admin/reset", headers: [Self.json]).status == 200)
            #expect(server.ledger.isEmpty)
            #expect(try await Self.rules(connection) == 0)
        }
    }

    @Test("A Host that is not the server's own is 421 foreign_host on every route, in the route's error shape")
    func foreignHost() async throws {
        try await MockPaymentServer.withServer { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            let port = server.port
            for host in ["evil.example:\(port)", "127.0.0.1:\(port == 1 ? 2 : port - 1)", "127.0.0.1", "evil.example"] {
                let admin = try await connection.request("GET", "/__admin/ledger", host: host)
                #expect(admin.status == 421, "\(host)")
                #expect(admin.json["code"] == "foreign_host", "\(host)")
            }
            let stripe = try await connection.request(
                "POST",
                "/v1/payment_intents",
                host: "rebound.evil.example:\(port)",
                headers: [Self.stripeKey],
                body: "amount=5&currency=usd&payment_method=pm_card_visa&confirm=true"
            )
            #expect(stripe.status == 421)
            #expect(stripe.json["error"]?["code"] == "foreign_host")
            let acp = try await connection.request("GET", "/checkout_sessions/cs_1", host: "evil.example:\(port)")
            #expect(acp.json["code"] == "foreign_host")
            let mcp = try await connection.request(
                "POST",
                "/mcp",
                host: "evil.example:\(port)",
                headers: [Self.json, Self.stripeKey],
                body: #"{"jsonrpc": "2.0", "id": 1, "method": "ping"}"#
            )
            #expect(mcp.status == 421)
            #expect(mcp.json["error"]?["data"]?["code"] == "foreign_host")
            #expect(mcp.json["id"] == .null)
            #expect(server.ledger.isEmpty)
            #expect(server.journal.isEmpty)
            for host in ["localhost:\(port)", "LOCALHOST:\(port)", "[::1]:\(port)", "127.0.0.1:\(port)"] {
                #expect(try await connection.request("GET", "/__admin/ledger", host: host).status == 200, "\(host)")
            }
        }
    }

    @Test("An HTTP/1.1 request without Host, or with two, is 400 invalid_host; HTTP/1.0 may go without")
    func missingHost() async throws {
        try await MockPaymentServer.withServer { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            let none = try await connection.request("GET", "/__admin/ledger", host: nil)
            #expect(none.status == 400)
            #expect(none.json["code"] == "invalid_host")
            let two = try await connection.request(
                "GET",
                "/__admin/ledger",
                headers: [("Host", "evil.example:\(server.port)")]
            )
            #expect(two.status == 400)
            let spaced = try await connection.request("GET", "/__admin/ledger", host: "local host:\(server.port)")
            #expect(spaced.status == 400)
            let old = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await old.close() } }
            #expect(try await old.request("GET", "/__admin/ledger", host: nil, version: "HTTP/1.0").status == 200)
        }
    }

    @Test("Origin: only the server's own is let through, on every route; null and other ports are refused")
    func origins() async throws {
        try await MockPaymentServer.withServer { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            let port = server.port
            let own = ["http://127.0.0.1:\(port)", "http://localhost:\(port)", "http://[::1]:\(port)"]
            for origin in own {
                let read = try await connection.request("GET", "/__admin/ledger", headers: [("Origin", origin)])
                #expect(read.status == 200, "\(origin)")
            }
            let foreign = [
                "null", "http://evil.example", "http://127.0.0.1:\(port == 1 ? 2 : port - 1)",
                "https://127.0.0.1:\(port)",
                "http://127.0.0.1:\(port)/path", "file://", "http://localhost:\(port).evil.example",
            ]
            for origin in foreign {
                let read = try await connection.request("GET", "/__admin/ledger", headers: [("Origin", origin)])
                #expect(read.status == 403, "\(origin)")
                #expect(read.json["code"] == "forbidden_origin", "\(origin)")
            }
            let form = try await connection.request(
                "POST",
                "/v1/payment_intents",
                headers: [Self.stripeKey, ("Origin", "http://evil.example")],
                body: "amount=5&currency=usd&payment_method=pm_card_visa&confirm=true"
            )
            #expect(form.status == 403)
            #expect(form.json["error"]?["code"] == "forbidden_origin")
            let mcp = try await connection.request(
                "POST",
                "/mcp",
                headers: [Self.json, Self.stripeKey, ("Origin", "http://evil.example")],
                body: #"{"jsonrpc": "2.0", "id": 1, "method": "ping"}"#
            )
            #expect(mcp.status == 403)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("allowedHosts adds names accepted with any port, in Host and Origin (https too); others stay refused")
    func allowedHosts() async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.allowedHosts = ["Mock-Payments"]
        try await MockPaymentServer.withServer(configuration) { server in
            let connection = try await RawHTTPConnection.open(port: server.port)
            defer { Task { await connection.close() } }
            #expect(try await connection.request("GET", "/__admin/ledger", host: "mock-payments:8080").status == 200)
            #expect(try await connection.request("GET", "/__admin/ledger", host: "mock-payments").status == 200)
            let proxied = try await connection.request(
                "GET",
                "/__admin/ledger",
                headers: [("Origin", "https://mock-payments")]
            )
            #expect(proxied.status == 200)
            #expect(try await connection.request("GET", "/__admin/ledger", host: "other:8080").status == 421)
        }
    }
}
