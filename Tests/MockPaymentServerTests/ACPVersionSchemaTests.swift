import AgentRetry
import AgentRetryTesting
import Foundation
import MockPaymentServer
import Testing

/// Every session state, error and order the mock renders, in every version, judged by that
/// version's own JSON Schema (vendored in Resources/acp-VERSION) through Python's `jsonschema`.
@Suite("ACP sessions validate against each version's schema")
struct ACPVersionSchemaTests {
    /// One payload to check: the schema's version, the `$defs` name, the JSON.
    struct Payload {
        let version: String
        let definition: String
        let json: JSONValue
    }

    static func schema(_ version: String) throws -> URL {
        try #require(
            Bundle.module.url(
                forResource: "schema.agentic_checkout",
                withExtension: "json",
                subdirectory: "acp-\(version)"
            )
        )
    }

    @Test("Not ready, ready, completed with its order, canceled, expired and an error, in every version")
    func sessionsValidate() async throws {
        let clock = ManualMockClock()
        var payloads: [Payload] = []
        try await withMockServer(MockPaymentServer.Configuration(clock: clock)) { server, transport in
            for bodies in VersionedACPBodies.all {
                payloads += try await Self.states(bodies, server, transport, clock)
            }
        }
        #expect(payloads.count == 5 * 6 + 1)
        try await Self.validate(payloads)
    }

    @Test("The requests the per-version tests send are that version's own requests")
    func requestsValidate() async throws {
        var payloads: [Payload] = []
        for bodies in VersionedACPBodies.all {
            let requests = [
                ("CheckoutSessionCreateRequest", bodies.create(items: ["item_tshirt", "item_ebook"], address: true)),
                ("CheckoutSessionUpdateRequest", bodies.updateAddress()),
                ("CheckoutSessionUpdateRequest", bodies.selectExpress()),
                ("CheckoutSessionCompleteRequest", bodies.complete()),
            ]
            for (definition, body) in requests {
                payloads.append(
                    Payload(
                        version: bodies.version,
                        definition: definition,
                        json: try JSONValue(parsing: Array(body.utf8))
                    )
                )
            }
        }
        try await Self.validate(payloads)
    }

    /// The payloads one version's checkout goes through.
    static func states(
        _ bodies: VersionedACPBodies,
        _ server: MockPaymentServer,
        _ transport: HTTPTransport,
        _ clock: ManualMockClock
    ) async throws -> [Payload] {
        let version = bodies.version
        let post = { (path: String, body: String, key: String) in
            try await transport.execute(acpPost(server, path, body, key: "\(version)-\(key)", version: version))
        }
        var payloads: [Payload] = []
        let created = try await post("/checkout_sessions", bodies.create(items: ["item_tshirt", "item_hoodie"]), "c")
        #expect(created.status == 201)
        #expect(created.json["status"] == "not_ready_for_payment")
        payloads.append(Payload(version: version, definition: "CheckoutSession", json: created.json))
        let id = created.json["id"]?.stringValue ?? ""

        let ready = try await post("/checkout_sessions", bodies.create(address: true), "r")
        #expect(ready.json["status"] == "ready_for_payment", "\(version): \(ready.bodyText)")
        payloads.append(Payload(version: version, definition: "CheckoutSession", json: ready.json))
        let readyID = ready.json["id"]?.stringValue ?? ""
        let done = try await post("/checkout_sessions/\(readyID)/complete", bodies.complete(), "d")
        #expect(done.json["status"] == "completed", "\(version): \(done.bodyText)")
        payloads += Self.completed(version, done.json)

        let canceled = try await post("/checkout_sessions/\(id)/cancel", "{}", "x")
        #expect(canceled.json["status"] == "canceled")
        payloads.append(Payload(version: version, definition: "CheckoutSession", json: canceled.json))

        let expiring = try await post("/checkout_sessions", bodies.create(), "e")
        clock.advance(by: .seconds(3600))
        let expired = try await transport.execute(
            acpRead(server, "/checkout_sessions/\(expiring.json["id"]?.stringValue ?? "")", version: version)
        )
        let expectedStatus: JSONValue = version >= "2026-01-30" ? "expired" : "canceled"
        #expect(expired.json["status"] == expectedStatus)
        payloads.append(Payload(version: version, definition: "CheckoutSession", json: expired.json))

        let unknown = try await post("/checkout_sessions", bodies.create(items: ["item_nope"]), "u")
        #expect(unknown.status == 400)
        payloads.append(Payload(version: version, definition: "Error", json: unknown.json))
        return payloads
    }

    /// A completed session: `CheckoutSessionWithOrder`, except in 2025-09-29, whose closed
    /// `CheckoutSessionBase` has no `order` member (so no session with an order can validate):
    /// there the session without it is a `CheckoutSession` and the order an `Order`.
    static func completed(_ version: String, _ json: JSONValue) -> [Payload] {
        guard version == "2025-09-29", var members = json.objectValue, let order = members.removeValue(forKey: "order")
        else {
            #expect(json["order"] != nil)
            return [Payload(version: version, definition: "CheckoutSessionWithOrder", json: json)]
        }
        return [
            Payload(version: version, definition: "CheckoutSession", json: .object(members)),
            Payload(version: version, definition: "Order", json: order),
        ]
    }

    /// Validates every payload in one Python process; records each failure.
    static func validate(_ payloads: [Payload]) async throws {
        var items: [JSONValue] = []
        for payload in payloads {
            items.append([
                .string(try Self.schema(payload.version).path), .string(payload.definition), payload.json,
            ])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("payloads-\(UUID().uuidString).json")
        try Data(JSONValue.array(items).serialized()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await PythonCheck.run(Self.script, arguments: [file.path])
        #expect(outcome.status == 0, "\(outcome.output)")
    }

    static let script = #"""
        import json, sys
        from jsonschema import Draft202012Validator

        def draft4_exclusive_minimum(node):
            # 2025-09-29 writes `"minimum": 0, "exclusiveMinimum": true` (draft 4) in a 2020-12 schema,
            # where `true` would read as the number 1: read it as meant, "more than 0".
            if isinstance(node, dict):
                if node.get("exclusiveMinimum") is True:
                    node["exclusiveMinimum"] = node.pop("minimum", 0)
                for value in node.values():
                    draft4_exclusive_minimum(value)
            elif isinstance(node, list):
                for value in node:
                    draft4_exclusive_minimum(value)

        failed = False
        for path, definition, payload in json.load(open(sys.argv[1])):
            schema = json.load(open(path))
            draft4_exclusive_minimum(schema)
            root = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + definition}
            errors = sorted(Draft202012Validator(root).iter_errors(payload), key=str)
            for error in errors[:5]:
                failed = True
                print(path.split("/")[-2], definition, error.json_path, error.message[:300])
        sys.exit(1 if failed else 0)
        """#
}
