import Foundation

/// How long to wait before the next send, or why there is no next send.
package enum RetryDelay: Sendable, Hashable {
    /// Wait this long, then send again.
    case wait(Duration)
    /// The server asked for a wait beyond ``RetryPolicy/retryAfterCap`` or the deadline: stop,
    /// and tell the caller how long it asked for.
    case beyondLimit(Duration)
    /// The backoff would end past the deadline: stop.
    case outOfTime
}

extension RetryPolicy {
    /// The wait before retry `retry` (1 for the first re-send): the one `Retry-After` rule.
    ///
    /// A server's delay is honoured exactly when it is within ``retryAfterCap`` and the
    /// ``deadline``, and ends the retries otherwise. Without one, the wait is full jitter:
    /// `jitter` (a draw in `0...1`) times the ``backoffCeiling(beforeRetry:)``, if it ends
    /// before the deadline.
    /// - Parameters:
    ///   - retry: Which retry this is, from 1.
    ///   - serverDelay: The server's `Retry-After`, if it gave one.
    ///   - elapsed: The time the call has taken so far.
    ///   - jitter: A uniformly random draw in `0...1`; clamped into it.
    package func delay(beforeRetry retry: Int, serverDelay: Duration?, elapsed: Duration, jitter: Double) -> RetryDelay
    {
        if let serverDelay {
            guard serverDelay <= self.retryAfterCap, elapsed + serverDelay <= self.deadline else {
                return .beyondLimit(serverDelay)
            }
            return elapsed + serverDelay < self.deadline ? .wait(serverDelay) : .outOfTime
        }
        let draw = jitter.isFinite ? min(max(jitter, 0), 1) : 1
        let backoff = self.backoffCeiling(beforeRetry: retry) * draw
        guard elapsed + backoff < self.deadline else { return .outOfTime }
        return .wait(backoff)
    }
}
