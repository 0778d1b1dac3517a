import AgentRetry
import Testing

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    private func canonical(_ text: String) throws -> String {
        String(decoding: try JSONValue(parsing: Array(text.utf8)).canonicalized(), as: UTF8.self)
    }

    @Test(
        "Numbers are written as ECMAScript writes them (RFC 8785 §3.2.2.3 and Appendix B)",
        arguments: [
            ("0", "0"), ("-0", "0"), ("1", "1"), ("-1", "-1"), ("1.0", "1"), ("4.50", "4.5"), ("0.002", "0.002"),
            ("1e-7", "1e-7"), ("0.000001", "0.000001"), ("1e30", "1e+30"), ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("123456789012345678901", "123456789012345680000"), ("333333333.33333329", "333333333.3333333"),
            ("1E-27", "1e-27"), ("9007199254740991", "9007199254740991"), ("-5e-324", "-5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"), ("295147905179352830000", "295147905179352830000"),
            ("0.1", "0.1"), ("100", "100"), ("12.5e-3", "0.0125"),
        ]
    )
    func numbers(input: String, expected: String) throws {
        #expect(try self.canonical(input) == expected)
    }

    @Test("Members are sorted by UTF-16 code units; strings are escaped as JSON.stringify does")
    func sortingAndEscaping() throws {
        // RFC 8785 §3.2.3's example: by UTF-16 code units "\r" < "1" < U+0080 < "ö" < "€" < "😀" < U+FB33.
        let text =
            #"{"\u20ac":"Euro","\r":"CR","\ufb33":"Hebrew","1":"One","#
            + #""\ud83d\ude00":"Emoji","\u0080":"Control","\u00f6":"Latin"}"#
        let output = try self.canonical(text)
        let order = ["CR", "One", "Control", "Latin", "Euro", "Emoji", "Hebrew"].map { label in
            output.firstRange(of: "\"\(label)\"").map { output.distance(from: output.startIndex, to: $0.lowerBound) }
                ?? -1
        }
        #expect(!order.contains(-1))
        #expect(order == order.sorted(), "\(output)")
        #expect(
            try self.canonical(#"{"b": [1, {"z": null, "a": true}], "a": "x\u0007\n\"\\"}"#)
                == #"{"a":"x\u0007\n\"\\","b":[1,{"a":true,"z":null}]}"#
        )
    }

    @Test("Values equal by meaning canonicalize alike; different values do not")
    func equalMeaningSameBytes() throws {
        #expect(
            try self.canonical(#"{"a": 1.0, "b": [true, null]}"#)
                == (try self.canonical(#"{ "b" : [ true , null ] , "a" : 1 }"#))
        )
        #expect(try self.canonical(#"{"a": null}"#) != (try self.canonical(#"{}"#)))
        #expect(try self.canonical("[1, 2]") != (try self.canonical("[2, 1]")))
    }

    @Test("NaN and infinity cannot be canonicalized")
    func nonFinite() {
        #expect(throws: JSONValue.CanonicalizationError.self) { try JSONValue.number(.nan).canonicalized() }
        #expect(throws: JSONValue.CanonicalizationError.self) {
            try JSONValue.array([.number(.infinity)]).canonicalized()
        }
    }
}
