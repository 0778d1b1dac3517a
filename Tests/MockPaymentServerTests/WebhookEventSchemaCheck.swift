import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

/// Validates ACP webhook bodies against the 2026-04-17 specification with Python's `jsonschema`:
/// `WebhookEvent` of `openapi.agentic_checkout_webhook.yaml` (a `type` string and `data`, nothing
/// else; `data` the full `Order` of the vendored `schema.agentic_checkout.json` with `type`,
/// `checkout_session_id`, `permalink_url` and `status` required), transcribed here.
enum WebhookEventSchemaCheck {
    static func validate(_ events: [JSONValue]) async throws {
        let schema = try ACPVersionSchemaTests.schema("2026-04-17")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).json")
        try Data(JSONValue.array(events).serialized()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await PythonCheck.run(Self.script, arguments: [schema.path, file.path])
        #expect(outcome.status == 0, "\(outcome.output)")
    }

    static let script = #"""
        import json, sys
        from jsonschema import Draft202012Validator

        schema = json.load(open(sys.argv[1]))
        root = {
            "$schema": schema["$schema"], "$defs": schema["$defs"], "type": "object",
            "additionalProperties": False, "required": ["type", "data"],
            "properties": {
                "type": {"type": "string"},
                "data": {"allOf": [{"$ref": "#/$defs/Order"}],
                         "required": ["type", "checkout_session_id", "permalink_url", "status"]},
            },
        }
        failed = False
        for event in json.load(open(sys.argv[2])):
            for error in sorted(Draft202012Validator(root).iter_errors(event), key=str)[:5]:
                failed = True
                print(event.get("type"), error.json_path, error.message[:300])
        sys.exit(1 if failed else 0)
        """#
}
