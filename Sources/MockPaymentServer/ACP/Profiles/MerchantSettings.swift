import AgentRetry

/// The merchant the ACP routes play, changeable at run time through `/__admin/merchant`.
struct MerchantSettings: Sendable {
    var profile: MerchantProfile
    /// The versions spoken, oldest first; never empty.
    var versions: [ACPVersion]
    /// Whether `/.well-known/acp.json` is served; `nil` follows the profile.
    var servesDiscoveryOverride: Bool?
    /// How the `/mcp` endpoint (ACP's MCP binding) answers.
    var mcp = MCPBindingBehaviour()

    var behaviour: ProfileBehaviour { self.profile.behaviour }
    var servesDiscovery: Bool { self.servesDiscoveryOverride ?? self.behaviour.servesDiscovery }
    /// The newest version spoken.
    var newest: ACPVersion { self.versions.last ?? .v20260417 }

    /// The spoken versions newest first, as an error's `supported_versions` lists them.
    var supportedVersionsNewestFirst: JSONValue {
        .array(self.versions.reversed().map { .string($0.rawValue) })
    }

    func speaks(_ version: ACPVersion) -> Bool { self.versions.contains(version) }

    /// Whether the `/mcp` endpoint is served: the binding exists from 2026-04-17 on.
    var servesMCP: Bool { self.newest >= .v20260417 }

    /// The newest spoken version among `candidates`, or `nil` when none is spoken.
    func newestSpoken(of candidates: [ACPVersion]) -> ACPVersion? {
        candidates.filter(self.speaks).max()
    }

    var json: JSONValue {
        [
            "profile": .string(self.profile.rawValue),
            "acp_versions": .array(self.versions.map { .string($0.rawValue) }),
            "discovery": .bool(self.servesDiscovery), "mcp": self.mcp.json,
        ]
    }
}
