import AgentRetryACP
import ArgumentParser

/// The options of a checkout task that `agent-retry checkout` and `agent-retry mcp` share: where
/// the task buys, over which protocol, and how its generations and settling behave.
struct CheckoutTaskOptions: ParsableArguments {
    @Option(help: "The merchant's base URL (ACP) or the PSP's (Stripe).") var server: String
    @Option(
        name: .customLong("protocol"),
        help: "acp (REST), acp-mcp (ACP's MCP binding; --server is the MCP endpoint) or stripe."
    ) var paymentProtocol = "acp"
    @Option(help: "The namespace (tenant or agent).") var namespace = "default"
    @Option(
        name: .customLong("max-generations"),
        help: "Sessions one task may open, each canceled or expired one counting."
    ) var maxGenerations = 3
    @Option(
        name: .customLong("settle-seconds"),
        help: "How long to poll an in-flight complete before answering pending."
    ) var settleSeconds: Double = 30
    @Option(
        name: .customLong("acp-version"),
        help: "Speak this ACP version (YYYY-MM-DD) instead of negotiating one; for merchants that say nothing useful."
    ) var acpVersion: String?

    func validate() throws {
        try CheckoutMerchant.validate(protocol: self.paymentProtocol)
        try CheckoutMerchant.validate(url: self.server, option: "--server")
        guard (1...100).contains(self.maxGenerations) else {
            throw ValidationError("--max-generations must be between 1 and 100")
        }
        guard self.settleSeconds >= 0, self.settleSeconds <= 3600 else {
            throw ValidationError("--settle-seconds must be between 0 and 3600")
        }
        if let version = self.acpVersion, ACPVersion(validating: version) == nil {
            throw ValidationError(
                "--acp-version must be a date such as \(ACPVersion.latest); released: "
                    + ACPVersion.released.map(\.rawValue).joined(separator: ", ")
            )
        }
    }

    /// The task settings these options give, with the process's crash-test hook (if any) told of
    /// every event before `onEvent`.
    func configuration(onEvent: (@Sendable (CheckoutEvent) async -> Void)? = nil) -> CheckoutTask.Configuration {
        var configuration = CheckoutTask.Configuration(
            namespace: self.namespace,
            maximumGenerations: self.maxGenerations,
            settleDeadline: .milliseconds(Int64(self.settleSeconds * 1000))
        )
        let hook = CommandHooks.current.checkoutEvents
        if let onEvent {
            configuration.onEvent = { event in
                await hook?(event)
                await onEvent(event)
            }
        } else {
            configuration.onEvent = hook
        }
        configuration.acpVersion = self.acpVersion.flatMap(ACPVersion.init(validating:))
        return configuration
    }

    /// The merchant these options name, paid with `apiKey`.
    func merchant(apiKey: String) -> CheckoutTask.Merchant {
        CheckoutMerchant.make(protocol: self.paymentProtocol, server: self.server, apiKey: apiKey)
    }
}
