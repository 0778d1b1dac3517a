extension JSONValue {
    /// The value is not representable in JSON (a NaN or an infinity).
    public struct CanonicalizationError: Error, Sendable, CustomStringConvertible {
        /// Why.
        public let description: String
    }

    /// The RFC 8785 (JSON Canonicalization Scheme) form: object members sorted by the UTF-16 code
    /// units of their names, no insignificant white space, strings escaped as ECMAScript's
    /// `JSON.stringify` does, numbers in ECMAScript's shortest round-trip notation.
    ///
    /// Two values equal by meaning (`==`) canonicalize to the same bytes, so a hash of
    /// these bytes fingerprints a request body or an intent.
    public func canonicalized() throws(CanonicalizationError) -> [UInt8] {
        var output: [UInt8] = []
        try self.writeCanonical(to: &output)
        return output
    }

    private func writeCanonical(to output: inout [UInt8]) throws(CanonicalizationError) {
        switch self {
        case .null, .bool, .string:
            output.append(contentsOf: self.serialized())
        case .number(let value):
            output.append(contentsOf: try Self.ecmaScriptNumber(value).utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                try element.writeCanonical(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let names = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, name) in names.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(name, to: &output)
                output.append(UInt8(ascii: ":"))
                try members[name]!.writeCanonical(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// ECMAScript's `Number.prototype.toString` for a finite double (ECMA-262 §6.1.6.1.20), which
    /// RFC 8785 §3.2.2.3 requires.
    static func ecmaScriptNumber(_ value: Double) throws(CanonicalizationError) -> String {
        guard value.isFinite else { throw CanonicalizationError(description: "\(value) is not a JSON number") }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        // Swift prints the shortest digits that round-trip; only the layout differs from ECMAScript's.
        var text = Substring(abs(value).description)
        var exponent = 0
        if let marker = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: marker)...]) ?? 0
            text = text[..<marker]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts[0]
        let fractionPart = parts.count > 1 ? parts[1] : ""
        var digits = Array(integerPart + fractionPart)
        // `point`: how many digits stand before the decimal point (ECMAScript's n).
        var point = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count
        let significand = String(digits)
        if k <= point && point <= 21 {
            return sign + significand + String(repeating: "0", count: point - k)
        }
        if 0 < point && point <= 21 {
            return sign + String(digits[..<point]) + "." + String(digits[point...])
        }
        if -6 < point && point <= 0 {
            return sign + "0." + String(repeating: "0", count: -point) + significand
        }
        let shown = point - 1
        let mantissa = k == 1 ? significand : String(digits[0]) + "." + String(digits[1...])
        return sign + mantissa + "e" + (shown >= 0 ? "+" : "-") + String(abs(shown))
    }
}
