import AgentRetry
import ArgumentParser
import Foundation

/// `agent-retry`: AgentRetry's guarantees for scripts and agents in any language.
package struct AgentRetryCommand: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "agent-retry",
        abstract: "Payment calls that are safe to retry: deterministic keys persisted before sending.",
        subcommands: [
            PostCommand.self, CheckoutCommand.self, GCCommand.self, ReconcileCommand.self, WebhooksCommand.self,
            MCPCommand.self,
            DemoCommand.self, DemoWorkerCommand.self,
        ]
    )

    /// Runs the command. Every exit prints one JSON object on standard output: the command's own,
    /// or, for an error the command did not report (a bad option, a failed validation, an error
    /// thrown before the command could print), `{"status": "usage" or "error", "message": ...}`
    /// with exit 2 (not ArgumentParser's 64) or 1. `--help` alone prints text.
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
            // A command that printed its report ends with an ExitCode of its own.
            if error is ExitCode { Foundation.exit(code.rawValue) }
            let usage = code == .validationFailure
            let full = SecretRedaction.redacting(fullMessage(for: error))
            FileHandle.standardError.write(Data((full + "\n").utf8))
            let message = SecretRedaction.redacting(message(for: error))
            CommandOutput.report(["status": usage ? "usage" : "error", "message": .string(message)])
            Foundation.exit(usage ? 2 : code.rawValue)
        }
    }
}
