/// When and how long to wait before sending a request again.
///
/// Delays use exponential backoff with full jitter: before retry *n* (the *n*-th re-send, *n* ≥ 1)
/// the client waits a uniformly random time in `[0, min(maximumBackoff, initialBackoff ×
/// backoffMultiplier^(n-1))]`, unless the server's `Retry-After` says otherwise, in which case it
/// waits exactly that (if it is within ``retryAfterCap`` and the ``deadline``). With the defaults the
/// ceilings are 0.5, 1, 2 s for the three retries of four attempts.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included. Defaults to 4.
    public let maximumAttempts: Int
    /// The ceiling of the first retry's delay. Defaults to 0.5 s.
    public let initialBackoff: Duration
    /// How much the ceiling grows per retry. Defaults to 2.
    public let backoffMultiplier: Double
    /// The largest ceiling. Defaults to 8 s.
    public let maximumBackoff: Duration
    /// The whole call's time budget, waits included. Defaults to 60 s.
    public let deadline: Duration
    /// The longest `Retry-After` honoured; a longer one ends the call with a typed error that
    /// carries it. Defaults to 60 s.
    public let retryAfterCap: Duration

    /// Creates a policy; every value is checked.
    public init(
        maximumAttempts: Int = 4,
        initialBackoff: Duration = .milliseconds(500),
        backoffMultiplier: Double = 2,
        maximumBackoff: Duration = .seconds(8),
        deadline: Duration = .seconds(60),
        retryAfterCap: Duration = .seconds(60)
    ) throws(RetryPolicyError) {
        guard maximumAttempts >= 1 else { throw RetryPolicyError("maximumAttempts must be at least 1") }
        guard initialBackoff > .zero else { throw RetryPolicyError("initialBackoff must be positive") }
        guard backoffMultiplier >= 1, backoffMultiplier.isFinite else {
            throw RetryPolicyError("backoffMultiplier must be at least 1")
        }
        guard maximumBackoff >= initialBackoff else {
            throw RetryPolicyError("maximumBackoff must be at least initialBackoff")
        }
        guard deadline > .zero else { throw RetryPolicyError("deadline must be positive") }
        guard retryAfterCap >= .zero else { throw RetryPolicyError("retryAfterCap must not be negative") }
        self.maximumAttempts = maximumAttempts
        self.initialBackoff = initialBackoff
        self.backoffMultiplier = backoffMultiplier
        self.maximumBackoff = maximumBackoff
        self.deadline = deadline
        self.retryAfterCap = retryAfterCap
    }

    /// The defaults: 4 attempts, 0.5 s doubling to 8 s, full jitter, 60 s deadline, 60 s Retry-After cap.
    public static let standard = try! RetryPolicy()

    /// The largest delay before retry `retry` (1 for the first re-send).
    public func backoffCeiling(beforeRetry retry: Int) -> Duration {
        precondition(retry >= 1, "retries count from 1")
        let initial = self.initialBackoff.secondsValue
        let cap = self.maximumBackoff.secondsValue
        // Capped before exponentiation overflows: the ceiling never exceeds maximumBackoff anyway.
        var ceiling = initial
        for _ in 1..<retry {
            ceiling *= self.backoffMultiplier
            if ceiling >= cap { return self.maximumBackoff }
        }
        return .nanoseconds(Int64(min(ceiling, cap) * 1e9))
    }
}

/// A retry policy value that makes no sense.
public struct RetryPolicyError: Error, Sendable, CustomStringConvertible {
    /// Which value and why.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var secondsValue: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
