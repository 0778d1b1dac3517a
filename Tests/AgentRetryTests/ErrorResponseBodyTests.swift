import AgentRetry
import Testing

@Suite("Error bodies read in every envelope")
struct ErrorResponseBodyTests {
    static func read(_ text: String) -> ErrorResponseBody? {
        ErrorResponseBody(parsing: Array(text.utf8))
    }

    @Test("ACP's flat error, with supported_versions")
    func topLevel() throws {
        let body = try #require(
            Self.read(
                #"{"type": "invalid_request", "code": "unsupported_api_version", "message": "no", "#
                    + #""param": "$.x", "supported_versions": ["2026-01-30", "2025-09-29"]}"#
            )
        )
        #expect(body.envelope == .topLevel)
        #expect(body.type == "invalid_request")
        #expect(body.code == "unsupported_api_version")
        #expect(body.param == "$.x")
        #expect(body.supportedVersions == ["2026-01-30", "2025-09-29"])
        #expect(!body.isValidationError)
    }

    @Test("Wrapped in error or detail, as objects or as text")
    func wrapped() throws {
        let error = try #require(Self.read(#"{"error": {"type": "card_error", "code": "card_declined"}}"#))
        #expect(error.envelope == .error)
        #expect(error.code == "card_declined")
        let detail = try #require(Self.read(#"{"detail": {"code": "out_of_stock", "message": "gone"}}"#))
        #expect(detail.envelope == .detail)
        #expect(detail.code == "out_of_stock")
        #expect(detail.message == "gone")
        #expect(Self.read(#"{"detail": "Not Found"}"#)?.message == "Not Found")
        #expect(Self.read(#"{"error": "boom"}"#)?.envelope == .error)
    }

    @Test("FastAPI/pydantic's validation array: one field per entry, as JSONPaths")
    func validation() throws {
        let body = try #require(
            Self.read(
                #"{"detail": [{"type": "missing", "loc": ["body", "items"], "msg": "Field required"}, "#
                    + #"{"type": "extra_forbidden", "loc": ["body", "line_items", 0, "id"], "msg": "Extra"}]}"#
            )
        )
        #expect(body.isValidationError)
        #expect(body.fields.map(\.path) == ["$.items", "$.line_items[0].id"])
        #expect(body.fields.map(\.type) == ["missing", "extra_forbidden"])
        #expect(body.param == "$.items")
        #expect(body.message == "$.items: Field required")
        #expect(body.code == nil)
    }

    @Test("Not an error body: text, arrays, empty objects, invalid JSON")
    func notErrorBodies() {
        for text in ["Internal Server Error", "[1]", "{}", #"{"id": "cs_1"}"#, "{", ""] {
            #expect(Self.read(text) == nil, "\(text)")
        }
    }

    @Test("Hostile bodies are cut: long strings, control characters, thousands of fields")
    func hostile() throws {
        let long = String(repeating: "a", count: 10_000)
        let body = try #require(Self.read(#"{"code": "x\u001b[31m", "message": "\#(long)"}"#))
        #expect(body.code == "x[31m")
        #expect((body.message?.count ?? 0) <= ErrorResponseBody.maximumTextLength + 1)
        let entries = Array(repeating: #"{"loc": ["body", "a"], "msg": "m"}"#, count: 1000).joined(separator: ",")
        let many = try #require(Self.read(#"{"detail": [\#(entries)]}"#))
        #expect(many.fields.count == ErrorResponseBody.maximumFields)
    }

    @Test("The ACP reader: conflicts by code, whatever the envelope; refusals are no conflict")
    func conflictsByCode() {
        func conflict(_ status: Int, _ body: String) -> IdempotencyConflict? {
            IdempotencyConflictReader.byCode.conflict(
                in: HTTPResponse(status: status, headers: [:], body: Array(body.utf8))
            )
        }
        #expect(conflict(422, #"{"type": "invalid_request", "code": "idempotency_conflict"}"#) == .payloadMismatch)
        #expect(conflict(409, #"{"detail": {"code": "request_not_idempotent"}}"#) == .payloadMismatch)
        #expect(conflict(409, #"{"error": {"code": "request_not_idempotent"}}"#) == .payloadMismatch)
        #expect(conflict(400, #"{"error": {"type": "idempotency_error"}}"#) == .payloadMismatch)
        #expect(conflict(409, #"{"code": "idempotency_in_flight"}"#) == .inFlight(retryAfter: nil))
        #expect(
            conflict(409, #"{"error": {"type": "idempotency_error", "code": "idempotency_key_in_use"}}"#)
                == .inFlight(retryAfter: nil)
        )
        #expect(conflict(409, "") == .inFlight(retryAfter: nil))
        #expect(conflict(409, #"{"detail": {"code": "out_of_stock"}}"#) == nil)
        #expect(conflict(422, #"{"detail": [{"type": "missing", "loc": ["body", "items"]}]}"#) == nil)
        #expect(conflict(422, "") == nil)
        #expect(conflict(400, #"{"detail": {"code": "product_not_found"}}"#) == nil)
    }

    @Test("Replays are recognised by any header of the profile's table")
    func replayHeaders() {
        for (name, value, replay) in [
            ("Idempotent-Replayed", "true", true), ("X-Idempotency-Cached", "true", true),
            ("X-Idempotency-Cached", "1", true), ("Idempotent-Replayed", "false", false), ("X-Other", "true", false),
        ] {
            var headers = HTTPHeaders()
            headers.add(name: name, value: value)
            #expect(PSPProfile.acp.isReplay(HTTPResponse(status: 200, headers: headers, body: [])) == replay)
        }
    }
}
