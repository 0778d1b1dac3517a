import AgentRetry
import AgentRetryACP
import Foundation

/// Where a demo child (or a crash test's child) stops so that it can be SIGKILLed at an exact
/// step: `after-persist`, `after-response` or `after-2xx` (a successful response only), optionally
/// followed by `:STEP` (the last part of the intent's operation, such as `create` or `complete`),
/// or the checkout task step `anchored`. At
/// that point the process writes `paused: POINT` to stderr and waits there.
package enum DemoPause {
    /// Hooks that pause at `point`.
    package static func hooks(pausingAt point: String) -> CommandHooks {
        var hooks = CommandHooks()
        hooks.clientEvents = { event in
            let (names, operation): ([String], String) =
                switch event {
                case .persistedBeforeSending(_, let operation, _): (["after-persist"], operation)
                case .responseReceived(_, let operation, let status):
                    ((200..<300).contains(status) ? ["after-response", "after-2xx"] : ["after-response"], operation)
                }
            let step = operation.split(separator: ".").last.map(String.init) ?? operation
            if names.contains(where: { point == $0 || point == "\($0):\(step)" }) { await Self.pause(at: point) }
        }
        hooks.checkoutEvents = { event in
            if case .anchored(_, _, resumed: false) = event, point == "anchored" { await Self.pause(at: point) }
        }
        return hooks
    }

    private static func pause(at point: String) async {
        FileHandle.standardError.write(Data("paused: \(point)\n".utf8))
        // Until the parent's SIGKILL; cancellation is not a way out of a crash point.
        while true { try? await Task.sleep(for: .seconds(60)) }
    }
}
