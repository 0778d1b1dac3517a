import ArgumentParser
import Foundation

/// `agent-retry`: AgentRetry's guarantees for scripts and agents in any language.
package struct AgentRetryCommand: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "agent-retry",
        abstract: "Payment calls that are safe to retry: deterministic keys persisted before sending.",
        subcommands: [
            PostCommand.self, CheckoutCommand.self, MCPCommand.self, DemoCommand.self, DemoWorkerCommand.self,
        ]
    )

    /// Runs the command; usage errors exit with 2 (not ArgumentParser's 64), as documented.
    package static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
