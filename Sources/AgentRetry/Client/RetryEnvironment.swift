import Foundation

/// Time and chance as the idempotent client sees them: injectable, so tests never sleep and
/// jitter is reproducible.
public protocol RetryEnvironment: Sendable {
    /// The current time (record timestamps, leases, `Retry-After` dates).
    func now() -> Date
    /// Waits, or throws when the task is cancelled.
    func sleep(for duration: Duration) async throws
    /// A uniformly random number in `0...1`, for full jitter.
    func unitRandom() -> Double
}

/// The real clock, `Task.sleep`, and the system's random generator.
public struct SystemRetryEnvironment: RetryEnvironment {
    /// Creates the system environment.
    public init() {}
    /// `Date()`.
    public func now() -> Date { Date() }
    /// `Task.sleep(for:)`.
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
    /// `Double.random(in: 0...1)`.
    public func unitRandom() -> Double { Double.random(in: 0...1) }
}
