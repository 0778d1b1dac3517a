import Foundation
import Synchronization

/// The time the mock server runs on: idempotency retention and session expiry read it.
public protocol MockClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The machine's clock.
public struct SystemMockClock: MockClock {
    /// Creates the system clock.
    public init() {}
    /// `Date()`.
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to, so tests can expire keys and sessions at once.
public final class ManualMockClock: MockClock {
    private let current: Mutex<Date>

    /// Creates a clock standing at `start` (defaults to 2026-04-17T00:00:00Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_776_384_000)) {
        self.current = Mutex(start)
    }

    /// The time the clock stands at.
    public func now() -> Date { self.current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        self.current.withLock { $0 += seconds }
    }
}
