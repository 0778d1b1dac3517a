/// The admin token a server was configured with, compared in constant time and never printed.
struct AdminToken: Sendable, CustomStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    init(_ token: String) {
        self.bytes = Array(token.utf8)
    }

    /// Whether `token` can be a token: one or more printable ASCII characters, no space (what a
    /// header value carries without quoting or folding).
    static func isWellFormed(_ token: String) -> Bool {
        !token.isEmpty && token.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// Whether `candidate` is the token. The time taken depends on the token's length only, not on
    /// where the first difference is, so a caller cannot find the token a byte at a time.
    func matches(_ candidate: String) -> Bool {
        let sent = Array(candidate.utf8)
        var difference: UInt8 = sent.count == self.bytes.count ? 0 : 1
        for index in self.bytes.indices {
            let byte = index < sent.count ? sent[index] : 0
            difference |= self.bytes[index] ^ byte
        }
        return difference == 0
    }

    var description: String { "AdminToken(redacted)" }

    var customMirror: Mirror { Mirror(self, children: [:]) }
}
