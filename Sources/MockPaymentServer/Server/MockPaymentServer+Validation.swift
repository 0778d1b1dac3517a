extension MockPaymentServer.Configuration {
    /// The largest port number.
    static let highestPort = 65535

    /// Checks every setting ``MockPaymentServer/start(_:)`` cannot start with, before anything is
    /// bound: the port (0 to 65535), the ACP versions, the idle timeout (more than zero, or `nil`),
    /// the connection limit (at least 1), the admin token (printable ASCII without spaces) and the
    /// allowed hosts. The error names the setting and the offending value, except a token's.
    public func validate() throws(MockPaymentServer.ConfigurationError) {
        guard (0...Self.highestPort).contains(self.port) else {
            throw .init(
                code: .invalidPort,
                description: "port must be from 1 to \(Self.highestPort) (0 picks a free one), not \(self.port)"
            )
        }
        try MockPaymentServer.validateACPVersions(self.acpVersions)
        if let idle = self.idleTimeout, idle <= .zero {
            throw .init(
                code: .invalidIdleTimeout,
                description: "the idle timeout must be more than zero (nil never closes), not \(idle)"
            )
        }
        guard self.maximumConnections >= 1 else {
            throw .init(
                code: .invalidMaximumConnections,
                description: "the connection limit must be at least 1, not \(self.maximumConnections)"
            )
        }
        if let token = self.adminToken, !AdminToken.isWellFormed(token) {
            // The token itself is never part of a message.
            throw .init(
                code: .invalidAdminToken,
                description: "the admin token must be 1 or more printable ASCII characters without spaces"
            )
        }
        for name in self.allowedHosts where HostAuthority.name(allowed: name) == nil {
            throw .init(
                code: .invalidAllowedHost,
                description:
                    "an allowed host must be a host name or an IP address without a port, not \(name.debugDescription)"
            )
        }
    }
}
