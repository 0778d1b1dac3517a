import AgentRetry
import Foundation

/// A fault-injection hook for crash tests: with `AGENT_RETRY_PAUSE_AT` set to `after-persist` or
/// `after-response`, optionally followed by `:STEP` (the last part of the intent's operation, such
/// as `create` or `complete`), or to a checkout task step such as `anchored`, the command writes
/// `paused: POINT` to stderr at that point and waits there, so a test can SIGKILL it at an exact step.
enum TestPause {
    /// The hook for the idempotent client's events, or `nil` when no pause is asked for.
    static func hook() -> (@Sendable (ClientEvent) async -> Void)? {
        guard let point = ProcessInfo.processInfo.environment["AGENT_RETRY_PAUSE_AT"] else { return nil }
        return { event in
            let (name, operation): (String, String) =
                switch event {
                case .persistedBeforeSending(_, let operation, _): ("after-persist", operation)
                case .responseReceived(_, let operation, _): ("after-response", operation)
                }
            let step = operation.split(separator: ".").last.map(String.init) ?? operation
            if point == name || point == "\(name):\(step)" { await self.pause(at: point) }
        }
    }

    /// Pauses at a named step of a checkout task (`anchored`), when `AGENT_RETRY_PAUSE_AT` names it.
    static func pause(atTaskStep step: String) async {
        guard ProcessInfo.processInfo.environment["AGENT_RETRY_PAUSE_AT"] == step else { return }
        await self.pause(at: step)
    }

    private static func pause(at point: String) async {
        FileHandle.standardError.write(Data("paused: \(point)\n".utf8))
        while true { try? await Task.sleep(for: .seconds(60)) }
    }
}
