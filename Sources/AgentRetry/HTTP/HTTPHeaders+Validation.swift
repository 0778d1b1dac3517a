extension HTTPHeaders {
    /// The reason a field cannot be sent, if any.
    ///
    /// The message names the field but never quotes its value: values can be credentials.
    func firstInvalidField() -> String? {
        for field in self {
            if field.name.isEmpty {
                return "a header field has an empty name"
            }
            if !field.name.utf8.allSatisfy(Self.isTokenByte) {
                return "header field name \(Self.printable(field.name)) is not an RFC 9110 token"
            }
            if field.value.utf8.contains(where: Self.isForbiddenValueByte) {
                return "the value of header field \(field.name) contains CR, LF or NUL"
            }
        }
        return nil
    }

    /// RFC 9110 `tchar`: the bytes allowed in a field name.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// CR, LF and NUL would let a value start a new header line or end the header block.
    static func isForbiddenValueByte(_ byte: UInt8) -> Bool {
        byte == 0x0D || byte == 0x0A || byte == 0x00
    }

    /// A name with control bytes escaped, safe to print.
    private static func printable(_ name: String) -> String {
        "\"" + name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : $0.escaped(asASCII: true) }
            .joined() + "\""
    }
}
