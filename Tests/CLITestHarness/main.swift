import AgentRetryCLI
import Foundation

// `agent-retry-test-harness`: the `agent-retry` commands with the crash tests' pause point, named
// in AGENT_RETRY_PAUSE_AT (see DemoPause), so a test can SIGKILL the child at an exact step.
if let point = ProcessInfo.processInfo.environment["AGENT_RETRY_PAUSE_AT"], !point.isEmpty {
    CommandHooks.current = DemoPause.hooks(pausingAt: point)
}
await AgentRetryCommand.main()
