extension MockPaymentServer.Configuration: CustomStringConvertible, CustomReflectable {
    /// The settings that say where and how the server listens, without the admin token (whether
    /// one is set shows as `redacted`).
    public var description: String {
        let token = self.adminToken == nil ? "nil" : "redacted"
        let idle = self.idleTimeout.map { "\($0)" } ?? "nil"
        return "MockPaymentServer.Configuration(host: \(self.host), port: \(self.port), seed: \(self.seed), "
            + "faults: \(self.faults.count), acpVersions: \(self.acpVersions), merchantProfile: "
            + "\(self.merchantProfile.rawValue), idleTimeout: \(idle), maximumConnections: "
            + "\(self.maximumConnections), allowedHosts: \(self.allowedHosts), adminToken: \(token))"
    }

    /// What `dump` and debuggers show: every setting, the admin token as `redacted`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": self.host,
                "port": self.port,
                "seed": self.seed,
                "faults": self.faults,
                "idempotencyRetention": self.idempotencyRetention,
                "sessionLifetime": self.sessionLifetime,
                "maximumRequestBodySize": self.maximumRequestBodySize,
                "acpVersions": self.acpVersions,
                "merchantProfile": self.merchantProfile,
                "servesDiscovery": self.servesDiscovery as Any,
                "mcpBinding": self.mcpBinding,
                "idleTimeout": self.idleTimeout as Any,
                "maximumConnections": self.maximumConnections,
                "allowedHosts": self.allowedHosts,
                "adminToken": self.adminToken == nil ? "nil" : "redacted",
            ]
        )
    }
}
