extension MockPaymentServer {
    /// Where the server listens and how it behaves.
    public struct Configuration: Sendable {
        /// The address to bind. Defaults to `127.0.0.1`.
        public var host: String
        /// The port; `0` picks a free one. Defaults to `0`, which suits tests (the executable
        /// defaults to 4242).
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
            mcpBinding: MCPBindingBehaviour = MCPBindingBehaviour()
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
        }
    }
}
