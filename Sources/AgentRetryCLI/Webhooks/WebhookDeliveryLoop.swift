import AgentRetry
import Foundation
import Synchronization

/// Hands the inbox's events to one consumer, one at a time, oldest first: claims an event, gives
/// it to `CMD` (or writes it on standard output), and marks it complete once that succeeded, or
/// has it retried later with backoff. A receiver that dies mid-delivery leaves its claim to expire,
/// and the event is then delivered again with a higher attempt.
final class WebhookDeliveryLoop: Sendable {
    /// Who gets the events and how.
    struct Configuration: Sendable {
        /// The consumer's name: its deliveries are its own.
        var consumer: String
        /// The shell command each event is given to; `nil` for standard output.
        var command: String?
        /// How long a command may run before it is killed and its delivery retried.
        var execTimeout: Duration
        /// Seconds before a failed delivery's first retry, doubled per attempt.
        var retryInitial: Double
        /// The longest wait between retries, in seconds.
        var retryMax: Double

        /// How long a claim holds: past the command's timeout (by as much again, at most 10 s), so
        /// that a live delivery keeps it and a dead receiver's comes back soon after.
        var claimDuration: TimeInterval {
            let timeout = Double(self.execTimeout.components.seconds)
            return timeout + min(timeout, 10)
        }

        /// The wait before retrying a delivery that failed on `attempt`.
        func backoff(afterAttempt attempt: Int) -> TimeInterval {
            min(self.retryMax, self.retryInitial * pow(2, Double(min(max(attempt - 1, 0), 30))))
        }
    }

    let store: any WebhookInboxStore
    let configuration: Configuration
    /// This process's name on its claims.
    let owner = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
    private let state = Mutex((woken: false, stopping: false, stopped: false))

    init(store: any WebhookInboxStore, configuration: Configuration) {
        self.store = store
        self.configuration = configuration
    }

    /// Says a new event was recorded: the loop looks at once instead of at its next poll.
    func wake() {
        self.state.withLock { $0.woken = true }
    }

    /// Asks the loop to stop after the delivery in progress, and waits until it has.
    func stop() async {
        self.state.withLock { $0.stopping = true }
        while !self.state.withLock({ $0.stopped }) { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Delivers until ``stop()`` or cancellation. A store that fails is tried again after a pause
    /// that doubles while it keeps failing (up to 10 s), and logged once per pause.
    func run() async {
        defer { self.state.withLock { $0.stopped = true } }
        var failures = 0
        while !Task.isCancelled, !self.state.withLock({ $0.stopping }) {
            do {
                let delivered = try await self.deliverNext()
                failures = 0
                if !delivered { await self.pause() }
            } catch {
                failures += 1
                let wait = min(10, 0.25 * pow(2, Double(min(failures - 1, 6))))
                WebhookLog.write("the inbox failed: \(error); trying again in \(wait) s")
                let until = ContinuousClock.now + .milliseconds(Int(wait * 1000))
                while ContinuousClock.now < until, !self.state.withLock({ $0.stopping }) {
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    /// Claims and delivers one event; `false` when there was none to claim.
    private func deliverNext() async throws -> Bool {
        let now = Date()
        guard
            let delivery = try await self.store.claimWebhookEvent(
                consumer: self.configuration.consumer,
                owner: self.owner,
                claimUntil: now + self.configuration.claimDuration,
                now: now
            )
        else { return false }
        let result = await WebhookConsumer(configuration: self.configuration).deliver(delivery)
        let key = delivery.event.dedupKey
        switch result {
        case .success:
            try await self.store.completeWebhookDelivery(delivery, now: Date())
            WebhookLog.write("delivered \(key) to \(delivery.consumer) (attempt \(delivery.attempt))")
        case .failure(let reason):
            let wait = self.configuration.backoff(afterAttempt: delivery.attempt)
            try await self.store.retryWebhookDelivery(delivery, at: Date() + wait, reason: reason, now: Date())
            WebhookLog.write("delivery of \(key) failed (\(reason)); retrying in \(wait) s")
        }
        return true
    }

    /// Waits up to 250 ms for a new event (a retry that falls due is found at the next poll).
    private func pause() async {
        for _ in 0..<25 {
            if self.state.withLock({ state in
                defer { state.woken = false }
                return state.woken || state.stopping
            }) {
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
