extension MockPaymentServer {
    /// Where the server listens and how it behaves.
    public struct Configuration: Sendable {
        /// The address to bind. Defaults to `127.0.0.1`.
        public var host: String
        /// The port, from 1 to 65535; `0` picks a free one. Defaults to `0`, which suits tests (the
        /// executable defaults to 4242). Any other value makes ``MockPaymentServer/start(_:)`` throw
        /// before binding.
        public var port: Int
        /// Seeds every random fault decision. Defaults to `0`.
        public var seed: UInt64
        /// Fault rules in force from the start. Defaults to none.
        public var faults: [FaultRule]
        /// How long an idempotency key's result is kept. Defaults to 24 hours (ACP's minimum,
        /// Stripe's v1 window).
        public var idempotencyRetention: Duration
        /// How long an ACP checkout session stays open before it expires. Defaults to 30 minutes.
        public var sessionLifetime: Duration
        /// The largest request body accepted; larger bodies get 413. Defaults to 1 MiB.
        public var maximumRequestBodySize: Int
        /// The clock for retention and expiry. Defaults to the system clock.
        public var clock: any MockClock
        /// The ACP versions spoken behind `API-Version`. Defaults to every released one
        /// (``MockPaymentServer/releasedACPVersions``); an unknown name or an empty list makes
        /// ``MockPaymentServer/start(_:)`` throw.
        public var acpVersions: [String]
        /// How the ACP merchant departs from the specification. Defaults to ``MerchantProfile/spec``.
        public var merchantProfile: MerchantProfile
        /// Whether `/.well-known/acp.json` is served. Defaults to `nil`: the profile decides (on for
        /// `spec`, off for `fastapi` and `plain`).
        public var servesDiscovery: Bool?
        /// How the `/mcp` endpoint (ACP 2026-04-17's MCP binding) answers. Defaults to
        /// ``MCPBindingBehaviour/init(results:errors:encoding:requiresIdempotencyKey:)``'s defaults.
        public var mcpBinding: MCPBindingBehaviour
        /// How long a connection may sit idle between requests (or stalled in the middle of sending
        /// one) before the server closes it; `nil` never closes one. A response the server itself
        /// holds (a `latency` or `stall_after_commit` fault) is not idleness. Defaults to 60 seconds.
        public var idleTimeout: Duration?
        /// How many connections are served at once, at least 1; one more is answered 503
        /// `too_many_connections` and closed. Defaults to 1024.
        public var maximumConnections: Int
        /// A token every `/__admin` request must carry in `X-Admin-Token`, never in
        /// `Authorization` (which carries the payment API key); `nil` asks for none. Printable
        /// ASCII without spaces; never printed, logged or echoed. Defaults to `nil`.
        public var adminToken: String?
        /// Host names accepted in `Host` and `Origin`, with any port, besides the server's own
        /// (`localhost`, `127.0.0.1`, `[::1]` and ``host``, with the bound port): the name a
        /// container network or a proxy gives the server. Defaults to none.
        public var allowedHosts: [String]

        /// Creates a configuration with the documented defaults.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            seed: UInt64 = 0,
            faults: [FaultRule] = [],
            idempotencyRetention: Duration = .seconds(24 * 3600),
            sessionLifetime: Duration = .seconds(30 * 60),
            maximumRequestBodySize: Int = 1024 * 1024,
            clock: any MockClock = SystemMockClock(),
            acpVersions: [String] = MockPaymentServer.releasedACPVersions,
            merchantProfile: MerchantProfile = .spec,
            servesDiscovery: Bool? = nil,
            mcpBinding: MCPBindingBehaviour = MCPBindingBehaviour(),
            idleTimeout: Duration? = .seconds(60),
            maximumConnections: Int = 1024,
            adminToken: String? = nil,
            allowedHosts: [String] = []
        ) {
            self.host = host
            self.port = port
            self.seed = seed
            self.faults = faults
            self.idempotencyRetention = idempotencyRetention
            self.sessionLifetime = sessionLifetime
            self.maximumRequestBodySize = maximumRequestBodySize
            self.clock = clock
            self.acpVersions = acpVersions
            self.merchantProfile = merchantProfile
            self.servesDiscovery = servesDiscovery
            self.mcpBinding = mcpBinding
            self.idleTimeout = idleTimeout
            self.maximumConnections = maximumConnections
            self.adminToken = adminToken
            self.allowedHosts = allowedHosts
        }
    }
}
