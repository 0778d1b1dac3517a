import AgentRetry
import AgentRetryACP
import Synchronization

/// What a process embedding the commands adds to them: the crash-test harness's pause points and
/// the demo's baseline key strategies. `post` and `checkout` never set any: only the demo's hidden
/// `demo-worker` (the child it spawns for every task) and the test harness (`Tests/CLITestHarness`)
/// install them, before the command runs.
package struct CommandHooks: Sendable {
    /// Told of every step of the idempotent client (the crash tests pause here).
    package var clientEvents: (@Sendable (ClientEvent) async -> Void)?
    /// Told of every step of a checkout task (the crash tests pause at `anchored`).
    package var checkoutEvents: (@Sendable (CheckoutEvent) async -> Void)?
    /// Wraps the transport the commands send through (the demo's naive baseline rewrites keys there).
    package var transport: (@Sendable (HTTPTransport) -> any HTTPClientTransport)?

    /// No hooks.
    package init() {}

    /// The hooks of this process, set once before the command runs.
    package static var current: CommandHooks {
        get { Self.installed.withLock { $0 } }
        set { Self.installed.withLock { $0 = newValue } }
    }

    private static let installed = Mutex(CommandHooks())
}
