/// Where a request goes: the scheme, host, port and path of an absolute `http` or `https` URL.
///
/// Every URL AgentRetry sends to, or takes as a base (a merchant's, a PSP's), is read here first,
/// so that a URL libcurl would read differently is refused before any connection: a port outside
/// 1...65535 (which some parsers wrap, so that `:99999` becomes 34463), a scheme other than http
/// and https (`file://`, `gopher://`), a space or a control character, no host. A problem names
/// the part at fault and never quotes the URL, which may hold credentials.
package struct RequestTarget: Sendable, Hashable {
    /// Why a URL cannot be sent to.
    package struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The part at fault: `scheme`, `host`, `port` or `url`.
        package let part: String
        /// What is wrong, naming the part and never quoting the URL.
        package let message: String

        /// The message.
        package var description: String { self.message }
    }

    /// `http` or `https`, in lower case.
    package let scheme: String
    /// The host in lower case; an IPv6 literal keeps its brackets.
    package let host: String
    /// The port: the one written, else 80 for http and 443 for https.
    package let port: Int
    /// The path as written (`/` when there is none), without the query or fragment.
    package let path: String

    /// The target of `url`, or the reason it cannot be sent to.
    package init(url: String) throws(Problem) {
        guard let separator = url.firstRange(of: "://") else {
            throw Problem(part: "scheme", message: "the URL is not an absolute http or https URL")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw Problem(part: "scheme", message: "the URL is not an absolute http or https URL")
        }
        if url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw Problem(part: "url", message: "the URL contains a space or a control character")
        }
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let (host, portText) = try Self.split(authority)
        guard !host.isEmpty else { throw Problem(part: "host", message: "the URL names no host") }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = try portText.map(Self.port) ?? (scheme == "https" ? 443 : 80)
        let afterAuthority = rest[authorityEnd...]
        let path = afterAuthority.prefix { $0 != "?" && $0 != "#" }
        self.path = path.isEmpty ? "/" : String(path)
    }

    /// Whether `url` can be sent to; throws the problem otherwise.
    package static func validate(_ url: String) throws(Problem) {
        _ = try RequestTarget(url: url)
    }

    /// The host and the port text (after the colon) of an authority without its user information.
    private static func split(_ authority: Substring) throws(Problem) -> (Substring, Substring?) {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw Problem(part: "host", message: "the URL's IPv6 host has no closing bracket")
            }
            let host = authority[...close]
            let after = authority[authority.index(after: close)...]
            guard !after.isEmpty else { return (host, nil) }
            guard after.first == ":" else {
                throw Problem(part: "host", message: "the URL's IPv6 host is followed by something other than a port")
            }
            return (host, after.dropFirst())
        }
        guard let colon = authority.firstIndex(of: ":") else { return (authority, nil) }
        return (authority[..<colon], authority[authority.index(after: colon)...])
    }

    /// The port in `text`: decimal digits for a number from 1 to 65535.
    private static func port(_ text: Substring) throws(Problem) -> Int {
        // Anything but digits is not quoted: a password with a `/` in it ends the authority early
        // and would be read as the port.
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw Problem(part: "port", message: "the URL's port is not a number from 1 to 65535")
        }
        let digits = text.drop { $0 == "0" }
        guard digits.count <= 5, let value = Int(digits), (1...65535).contains(value) else {
            let shown = text.count <= 12 ? " \(text)" : ""
            throw Problem(part: "port", message: "the URL's port\(shown) is not between 1 and 65535")
        }
        return value
    }
}
