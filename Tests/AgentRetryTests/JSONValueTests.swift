import AgentRetry
import Testing

@Suite("JSONValue: equality by meaning, serialization that round-trips")
struct JSONValueTests {
    @Test("Key order and 1.0 vs 1 do not matter; null differs from absent; array order matters")
    func semanticEquality() throws {
        let a = try JSONValue(parsing: Array(#"{"a": 1, "b": [1, 2], "c": null}"#.utf8))
        #expect(a == (try JSONValue(parsing: Array(#"{"c": null, "b": [1.0, 2], "a": 1.0}"#.utf8))))
        #expect(a != (try JSONValue(parsing: Array(#"{"a": 1, "b": [1, 2]}"#.utf8))))
        #expect(a != (try JSONValue(parsing: Array(#"{"a": 1, "b": [2, 1], "c": null}"#.utf8))))
        #expect(JSONValue.bool(true) != .number(1))
    }

    @Test("Serialization escapes what JSON requires and parses back to an equal value")
    func roundTrip() throws {
        let value: JSONValue = [
            "text": "quote \" backslash \\ newline \n tab \t bell \u{7} é 🛒", "n": 12.5, "i": 42,
            "list": [true, nil, "x"],
        ]
        let bytes = value.serialized()
        #expect(String(decoding: bytes, as: UTF8.self).contains(#"\u0007"#))
        #expect(try JSONValue(parsing: bytes) == value)
        #expect(JSONValue.number(3).description == "3")
    }

    @Test("Bytes that are not JSON give a typed error")
    func malformed() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: Array("{\"a\": }".utf8)) }
    }
}
