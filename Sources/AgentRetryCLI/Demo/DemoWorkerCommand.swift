import AgentRetry
import ArgumentParser

/// `agent-retry demo-worker`: one child of the demo, an `agent-retry checkout` with the demo's own
/// machinery around it (a pause point to be killed at, the naive baseline's keys). Hidden: the demo
/// starts it; nobody else should.
struct DemoWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-worker",
        abstract: "One child of agent-retry demo (internal).",
        shouldDisplay: false
    )

    @Option(name: .customLong("pause-at"), help: "Pause at this step, to be SIGKILLed there.") var pauseAt: String?
    @Flag(name: .customLong("new-key-every-attempt"), help: "The naive baseline: a new random key on every attempt.")
    var newKeyEveryAttempt = false
    @Argument(parsing: .captureForPassthrough, help: "The checkout command's arguments.") var checkout: [String] = []

    func run() async throws {
        var hooks = self.pauseAt.map { DemoPause.hooks(pausingAt: $0) } ?? CommandHooks()
        if self.newKeyEveryAttempt {
            hooks.transport = { RandomKeyTransport(base: $0, headerName: PSPProfile.acp.headerName) }
        }
        CommandHooks.current = hooks
        let command = try CheckoutCommand.parse(
            self.checkout.first == "--" ? Array(self.checkout.dropFirst()) : self.checkout
        )
        try await command.run()
    }
}
