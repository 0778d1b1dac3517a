import AgentRetry
import AgentRetryACP
import AgentRetryTesting
import Foundation
import Testing

/// The requests `encoded(for:)` writes, judged by each version's own JSON Schema (vendored in
/// Resources/acp-schemas) through Python's `jsonschema`.
@Suite("encoded(for:) validates against each released version's JSON Schema")
struct ACPSchemaValidationTests {
    typealias Fixtures = ACPRequestFixtures

    /// Validates each case's instance against `$defs/<def>` and prints every case whose verdict is not
    /// the expected one; exits 1 if there is any. 2025-09-29's `Item.quantity` says `"minimum": 0,
    /// "exclusiveMinimum": true` (draft-04's spelling of "> 0"), which draft 2020-12 reads as "> true",
    /// that is "> 1": the script reads it as the authors meant.
    static let script = """
        import json, sys
        from jsonschema import Draft202012Validator
        def draft04_bounds(node):
            if isinstance(node, dict):
                if node.get("exclusiveMinimum") is True and "minimum" in node:
                    node["exclusiveMinimum"] = node.pop("minimum")
                for value in node.values():
                    draft04_bounds(value)
            elif isinstance(node, list):
                for value in node:
                    draft04_bounds(value)
        schema = json.load(open(sys.argv[1]))
        draft04_bounds(schema)
        cases = json.load(open(sys.argv[2]))
        failures = 0
        for case in cases:
            root = {"$ref": "#/$defs/" + case["def"], "$defs": schema["$defs"]}
            errors = [e.message for e in Draft202012Validator(root).iter_errors(case["instance"])]
            if (not errors) != case["valid"]:
                failures += 1
                print(case["name"], "expected valid" if case["valid"] else "expected invalid", errors[:5])
        print("checked", len(cases))
        sys.exit(1 if failures else 0)
        """

    static func cases(for version: ACPVersion) -> JSONValue {
        var cases: [JSONValue] = [
            Self.check("create", "CheckoutSessionCreateRequest", Fixtures.create.encoded(for: version)),
            Self.check("update", "CheckoutSessionUpdateRequest", Fixtures.update.encoded(for: version)),
            Self.check(
                "complete",
                "CheckoutSessionCompleteRequest",
                Fixtures.complete.encoded(for: version, session: Fixtures.session(provider: "stripe"))
            ),
            Self.check("minimal create", "CheckoutSessionCreateRequest", Self.minimalCreate.encoded(for: version)),
        ]
        if version != .latest {
            // The validator is real: the 2026-04-17 body as it is does not fit an older version.
            cases.append(
                Self.check("unmapped create", "CheckoutSessionCreateRequest", Fixtures.create.acpJSON, valid: false)
            )
        }
        return .array(cases)
    }

    static let minimalCreate = CheckoutSessionCreateRequest(lineItems: [ACPItem(id: "item_1")], currency: "usd")

    static func check(_ name: String, _ definition: String, _ instance: JSONValue, valid: Bool = true) -> JSONValue {
        ["name": .string(name), "def": .string(definition), "instance": instance, "valid": .bool(valid)]
    }

    @Test("Create, update and complete of each version validate", arguments: ACPVersion.released)
    func validates(_ version: ACPVersion) async throws {
        let schema = try #require(Bundle.module.resourceURL)
            .appendingPathComponent("acp-schemas/\(version.rawValue)/schema.agentic_checkout.json")
        let casesFile = FileManager.default.temporaryDirectory.appendingPathComponent("cases-\(UUID().uuidString).json")
        try Data(Self.cases(for: version).serialized()).write(to: casesFile)
        defer { try? FileManager.default.removeItem(at: casesFile) }
        let outcome = try await PythonCheck.run(Self.script, arguments: [schema.path, casesFile.path])
        #expect(outcome.status == 0, "\(version): \(outcome.output)")
        #expect(outcome.output.contains("checked"), "\(outcome.output)")
    }
}
