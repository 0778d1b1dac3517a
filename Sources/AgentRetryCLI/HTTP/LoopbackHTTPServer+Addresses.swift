import NIOCore

/// The addresses the loopback servers (`mcp --http`, `webhooks listen`) bind and name.
extension LoopbackHTTPServer {
    /// Whether `host` is a loopback address literal (127.0.0.0/8 or `::1`); host names are refused,
    /// so that what is bound is what was asked.
    static func isLoopback(_ host: String) -> Bool {
        // Parsed as the listener parses it (inet_pton), then read back in its canonical form.
        guard let address = try? SocketAddress(ipAddress: host, port: 0), let canonical = address.ipAddress else {
            return false
        }
        switch address {
        case .v4: return canonical.hasPrefix("127.")
        case .v6: return canonical == "::1"
        default: return false
        }
    }

    /// `host` as it stands in a URL or a `Host` header: IPv6 in brackets.
    static func urlHost(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}
