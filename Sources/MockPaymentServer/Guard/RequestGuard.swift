/// Refuses what a web page on the same machine could send the server: a request under a name
/// that is not the server's own (DNS rebinding: a page of `evil.example` whose name now resolves
/// to 127.0.0.1), from a foreign origin (a cross-site form or `fetch`), and on the admin API, a
/// write that is not JSON (the content types a page may send without asking first) or without
/// the admin token when one is configured.
struct RequestGuard: Sendable {
    /// Names accepted with the bound port: `localhost`, `127.0.0.1`, `[::1]` and the bound host.
    private let ownNames: Set<String>
    /// ``MockPaymentServer/Configuration/allowedHosts``: names accepted with any port.
    private let allowedNames: Set<String>
    /// Bound to every interface (`0.0.0.0`, `::`): any IP address is one of the server's own.
    private let boundToWildcard: Bool
    /// The admin token, if one is required.
    let adminToken: AdminToken?

    init(_ configuration: MockPaymentServer.Configuration) {
        let host = HostAuthority.name(allowed: configuration.host)
        self.ownNames = Set(["localhost", "127.0.0.1", "[::1]"] + (host.map { [$0] } ?? []))
        self.allowedNames = Set(configuration.allowedHosts.compactMap(HostAuthority.name(allowed:)))
        self.boundToWildcard = host == "0.0.0.0" || host == "[::]"
        self.adminToken = configuration.adminToken.map(AdminToken.init)
    }

    /// Every route's check: a `Host` of the server's own and no foreign `Origin`. `nil` lets the
    /// request through; otherwise the refusal, in the family's error shape.
    func refusal(_ request: MockRequest, family: RouteFamily, isHTTP10: Bool, localPort: Int) -> MockResponse? {
        let hosts = request.headers.filter { $0.name == "host" }
        if hosts.isEmpty && !isHTTP10 {
            return family.refusal(400, code: "invalid_host", message: "An HTTP/1.1 request must carry a Host header")
        }
        if !hosts.isEmpty {
            guard hosts.count == 1, let authority = HostAuthority(hosts[0].value[...], defaultPort: 80) else {
                return family.refusal(400, code: "invalid_host", message: "The Host header is not one host[:port]")
            }
            guard self.isOwn(authority, localPort: localPort) else {
                return family.refusal(
                    421,
                    code: "foreign_host",
                    message: "This server does not answer for \(authority.name):\(authority.port); "
                        + "address it as 127.0.0.1:\(localPort) or localhost:\(localPort) (or list the name in "
                        + "--allowed-host)"
                )
            }
        }
        let origins = request.headers.filter { $0.name == "origin" }
        guard !origins.isEmpty else { return nil }
        guard origins.count == 1, self.isOwn(origin: origins[0].value, localPort: localPort) else {
            return family.refusal(
                403,
                code: "forbidden_origin",
                message: "Requests from another origin are refused: only this server's own origin may send it one"
            )
        }
        return nil
    }

    /// Whether `authority` names this server: one of its own names with the bound port, any IP
    /// address with the bound port when bound to every interface, or an allowed name.
    private func isOwn(_ authority: HostAuthority, localPort: Int) -> Bool {
        if self.allowedNames.contains(authority.name) { return true }
        guard authority.port == localPort else { return false }
        return self.ownNames.contains(authority.name) || (self.boundToWildcard && authority.isIPLiteral)
    }

    /// Whether an `Origin` is the server's own: `http://` and an authority of its own (`https://`
    /// too for an allowed name, which a TLS proxy may serve). `null` (an opaque origin) is not.
    private func isOwn(origin: String, localPort: Int) -> Bool {
        let lowered = origin.lowercased()
        for (scheme, port) in [("http://", 80), ("https://", 443)] where lowered.hasPrefix(scheme) {
            guard let authority = HostAuthority(lowered.dropFirst(scheme.count), defaultPort: port) else {
                return false
            }
            return scheme == "http://"
                ? self.isOwn(authority, localPort: localPort) : self.allowedNames.contains(authority.name)
        }
        return false
    }
}
