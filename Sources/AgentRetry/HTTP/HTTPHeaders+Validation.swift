extension HTTPHeaders {
    /// The reason a field cannot be sent, if any.
    ///
    /// The message names the field but never quotes its value: values can be credentials.
    func firstInvalidField() -> String? {
        for (position, field) in self.enumerated() {
            if field.name.isEmpty {
                return "header field \(position + 1) has an empty name"
            }
            // An invalid name may be a whole header line pasted in, value and all: never quote it.
            if !field.name.utf8.allSatisfy(Self.isTokenByte) {
                return "the name of header field \(position + 1) is not an RFC 9110 token"
            }
            if field.value.utf8.contains(where: Self.isForbiddenValueByte) {
                return "the value of header field \(position + 1) (\(field.name)) contains CR, LF or NUL"
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
}
