/// The authority of a `Host` header or an `Origin`: a lower-cased name (an IPv6 address in
/// brackets) and a port.
struct HostAuthority: Equatable, Sendable {
    let name: String
    let port: Int

    /// Parses `NAME[:PORT]`, `[IPV6][:PORT]`; `defaultPort` when no port is given. `nil` when it is
    /// neither (a user part, a path, a space, a port out of range).
    init?(_ text: Substring, defaultPort: Int) {
        let lowered = text.lowercased()
        let name: Substring
        let rest: Substring
        if lowered.hasPrefix("[") {
            guard let close = lowered.firstIndex(of: "]") else { return nil }
            name = lowered[...close]
            rest = lowered[lowered.index(after: close)...]
        } else if let colon = lowered.firstIndex(of: ":") {
            name = lowered[..<colon]
            rest = lowered[colon...]
        } else {
            name = lowered[...]
            rest = ""
        }
        guard Self.isName(name) else { return nil }
        if rest.isEmpty {
            self.port = defaultPort
        } else {
            let digits = rest.dropFirst()
            guard rest.first == ":", (1...5).contains(digits.count), digits.utf8.allSatisfy(Self.isDigit),
                let port = Int(digits), (1...65535).contains(port)
            else { return nil }
            self.port = port
        }
        self.name = String(name)
    }

    /// Whether the name is an IP address (IPv4 dotted, or IPv6 in brackets): a name no DNS answer
    /// can point elsewhere, so never one a rebinding page could be served under.
    var isIPLiteral: Bool {
        if self.name.hasPrefix("[") { return true }
        let parts = self.name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                (1...3).contains(part.count) && part.utf8.allSatisfy(Self.isDigit)
                    && Int(part).map { $0 <= 255 } == true
            }
    }

    /// A configured host (``MockPaymentServer/Configuration/host`` or an allowed host) as it is
    /// compared: lower-cased, an IPv6 address in brackets; `nil` when it is not a host.
    static func name(allowed host: String) -> String? {
        let lowered = host.lowercased()
        let bracketed = lowered.contains(":") && !lowered.hasPrefix("[") ? "[\(lowered)]" : lowered
        return Self.isName(bracketed[...]) ? bracketed : nil
    }

    /// A host name (letters, digits, `-`, `.`, `_`) or an IPv6 address in brackets.
    private static func isName(_ name: Substring) -> Bool {
        if name.hasPrefix("[") {
            let inner = name.dropFirst().dropLast()
            return name.hasSuffix("]") && !inner.isEmpty
                && inner.utf8.allSatisfy { Self.isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        return !name.isEmpty
            && name.utf8.allSatisfy {
                Self.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
            }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        Self.isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
