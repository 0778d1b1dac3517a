import ArgumentParser
import Foundation

/// `agent-retry`: AgentRetry's guarantees for scripts and agents in any language.
@main
struct AgentRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-retry",
        abstract: "Payment calls that are safe to retry: deterministic keys persisted before sending.",
        subcommands: [PostCommand.self, CheckoutCommand.self, DemoCommand.self]
    )

    /// Runs the command; usage errors exit with 2 (not ArgumentParser's 64), as documented.
    static func main() async {
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
