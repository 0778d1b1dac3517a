import AgentRetry
import Foundation

/// A fault-injection hook for crash tests: with `AGENT_RETRY_PAUSE_AT` set to `after-persist` or
/// `after-response`, the command writes `paused: POINT` to stderr at that point and waits there, so
/// a test can SIGKILL it at an exact step.
enum TestPause {
    static func hook() -> (@Sendable (ClientEvent) async -> Void)? {
        guard let point = ProcessInfo.processInfo.environment["AGENT_RETRY_PAUSE_AT"] else { return nil }
        return { event in
            let reached: Bool
            switch event {
            case .persistedBeforeSending: reached = point == "after-persist"
            case .responseReceived: reached = point == "after-response"
            }
            guard reached else { return }
            FileHandle.standardError.write(Data("paused: \(point)\n".utf8))
            while true { try? await Task.sleep(for: .seconds(60)) }
        }
    }
}
