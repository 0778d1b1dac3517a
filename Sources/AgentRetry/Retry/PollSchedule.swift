import Foundation

/// When to read a resource again while its outcome settles (a checkout session whose complete is
/// in flight, a PaymentIntent that is processing): intervals that double up to a ceiling, and none
/// that would end past the deadline. No I/O and no clock.
package struct PollSchedule: Sendable {
    /// The wait before the next read.
    package private(set) var interval: Duration
    /// The longest wait between reads.
    let maximumInterval: Duration
    /// When polling stops.
    package let deadline: Date

    /// Starts a schedule: the first wait is `interval`, then twice the last wait, at most
    /// `maximumInterval`; no wait ends past `deadline`.
    package init(interval: Duration, maximumInterval: Duration = .seconds(2), deadline: Date) {
        self.interval = interval
        self.maximumInterval = maximumInterval
        self.deadline = deadline
    }

    /// The wait before the next read at `now`, or `nil` when it would end past the deadline.
    package mutating func delayBeforeNextRead(now: Date) -> Duration? {
        let delay = self.interval
        guard now.addingTimeInterval(delay.secondsValue) < self.deadline else { return nil }
        self.interval = min(delay * 2, self.maximumInterval)
        return delay
    }
}
