import AgentRetry
import Foundation
import Synchronization

extension WebhookDispatcher {
    /// What one attempt is sent with, decided under the lock from the endpoint's generator.
    struct AttemptPlan {
        let registration: WebhookRegistration
        let delay: Duration
        let wrongSecret: Bool
        let oldTimestamp: Bool
    }

    /// The delay before retry `failures` (1 for the first retry): 50 ms doubling, at most 2 s.
    static func backoff(failures: Int) -> Duration {
        .milliseconds(min(50 << min(failures - 1, 10), 2000))
    }

    /// Sends `event` to the endpoint until a 2xx (then maybe once more for `duplicate_rate`), or
    /// until `max_attempts` attempts failed; each attempt freshly signed.
    func deliver(_ event: WebhookEvent, to endpointID: String, after wait: Duration) async {
        if wait > .zero { try? await Task.sleep(for: wait) }
        var number = 0
        var failures = 0
        var duplicate = false
        while !Task.isCancelled, let plan = self.plan(endpointID) {
            if plan.delay > .zero { try? await Task.sleep(for: plan.delay) }
            guard !Task.isCancelled else { return }
            number += 1
            let attempt = await self.attempt(event, plan: plan, number: number, duplicate: duplicate)
            let delivered = attempt.status.map { (200..<300).contains($0) } ?? false
            let retry = !delivered && number < plan.registration.maxAttempts
            self.record(attempt, of: event, at: endpointID, delivered: delivered, gaveUp: !delivered && !retry)
            if delivered {
                guard !duplicate, self.duplicates(endpointID) else { return }
                duplicate = true
                continue
            }
            guard retry else { return }
            failures += 1
            try? await Task.sleep(for: Self.backoff(failures: failures))
        }
    }

    private func attempt(
        _ event: WebhookEvent,
        plan: AttemptPlan,
        number: Int,
        duplicate: Bool
    ) async -> WebhookAttempt {
        let registration = plan.registration
        let now = Int(self.clock.now().timeIntervalSince1970)
        let timestamp = plan.oldTimestamp ? now - 3600 : now
        let key = plan.wrongSecret ? Array("wrong-secret:".utf8) + registration.key : registration.key
        let headers = registration.scheme.headers(body: event.body, key: key, timestamp: timestamp, eventID: event.id)
        var faults: [String] = []
        if duplicate { faults.append("duplicate") }
        if plan.delay > .zero { faults.append("delay") }
        if plan.wrongSecret { faults.append("wrong_secret") }
        if plan.oldTimestamp { faults.append("old_timestamp") }
        do throws(WebhookHTTPClient.Failure) {
            let status = try await WebhookHTTPClient.post(
                host: registration.host,
                port: registration.port,
                target: registration.target,
                headers: headers,
                body: event.body
            )
            return WebhookAttempt(number: number, status: status, error: nil, faults: faults, timestamp: timestamp)
        } catch {
            return WebhookAttempt(
                number: number,
                status: nil,
                error: error.description,
                faults: faults,
                timestamp: timestamp
            )
        }
    }

    /// The next attempt's faults, or `nil` once the endpoint is gone.
    private func plan(_ endpointID: String) -> AttemptPlan? {
        self.state.withLock { state in
            guard let index = state.endpoints.firstIndex(where: { $0.id == endpointID }) else { return nil }
            let faults = state.endpoints[index].registration.faults
            var delay = Duration.zero
            if faults.delayMilliseconds > 0 {
                delay = .milliseconds(Int(state.endpoints[index].draw() * Double(faults.delayMilliseconds + 1)))
            }
            return AttemptPlan(
                registration: state.endpoints[index].registration,
                delay: delay,
                wrongSecret: state.endpoints[index].happens(faults.wrongSecretRate),
                oldTimestamp: state.endpoints[index].happens(faults.oldTimestampRate)
            )
        }
    }

    /// Whether a delivered event is sent once more.
    private func duplicates(_ endpointID: String) -> Bool {
        self.state.withLock { state in
            guard let index = state.endpoints.firstIndex(where: { $0.id == endpointID }) else { return false }
            return state.endpoints[index].happens(state.endpoints[index].registration.faults.duplicateRate)
        }
    }

    private func record(
        _ attempt: WebhookAttempt,
        of event: WebhookEvent,
        at endpointID: String,
        delivered: Bool,
        gaveUp: Bool
    ) {
        self.state.withLock { state in
            guard let index = state.endpoints.firstIndex(where: { $0.id == endpointID }),
                let entry = state.endpoints[index].deliveries.lastIndex(where: { $0.eventID == event.id })
            else { return }
            state.endpoints[index].deliveries[entry].attempts.append(attempt)
            if delivered { state.endpoints[index].deliveries[entry].delivered = true }
            if gaveUp && !state.endpoints[index].deliveries[entry].delivered {
                state.endpoints[index].deliveries[entry].gaveUp = true
            }
        }
    }
}
