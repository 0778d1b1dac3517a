import Foundation

/// Decides the retries of a safe request (a GET, which the server may process any number of times):
/// after a transport failure that is not definitive, or a response the policy retries, with the
/// policy's backoff, its `Retry-After` rule, its attempts and its deadline. No I/O and no clock.
package struct SafeReadDecider: Sendable {
    /// What the reader does next.
    package enum Step: Sendable, Equatable {
        /// Sleep, then send again (the caller reports the next result).
        case sleep(Duration)
        /// Done: the response, whatever its status.
        case finish(HTTPResponse)
        /// Give up: no response worth returning.
        case fail(Failure)

        package static func == (lhs: Step, rhs: Step) -> Bool {
            switch (lhs, rhs) {
            case (.sleep(let a), .sleep(let b)): a == b
            case (.finish(let a), .finish(let b)): a.status == b.status && a.body == b.body
            case (.fail(let a), .fail(let b)): a == b
            default: false
            }
        }
    }

    /// Why a read gave up.
    package enum Failure: Sendable, Hashable {
        /// A failure that no re-send can change (a bad URL, failed TLS verification, cancellation).
        case definitive(HTTPTransportError.Code)
        /// The attempts or the deadline ran out, the last answer still retryable.
        case exhausted
    }

    let policy: RetryPolicy
    let startedAt: Date
    /// Requests sent so far.
    package private(set) var sends = 0

    /// Starts deciding for a read that begins at `startedAt`.
    package init(policy: RetryPolicy, startedAt: Date) {
        self.policy = policy
        self.startedAt = startedAt
    }

    /// A request ended: with a response, or with a classified transport failure.
    package mutating func received(
        _ result: Result<HTTPResponse, HTTPTransportError>,
        now: Date,
        jitter: Double
    ) -> Step {
        self.sends += 1
        let verdict: AttemptVerdict
        switch result {
        case .success(let response):
            // A GET's answer is read by its status alone: no idempotency key, no conflict.
            verdict = self.policy.verdict(for: response, profile: .readOnly, now: now)
            guard case .retry = verdict else { return .finish(response) }
        case .failure(let error):
            if error.code == .cancelled || error.failureClass == .definitive { return .fail(.definitive(error.code)) }
            verdict = self.policy.verdict(for: error)
        }
        // Out of attempts or time with the answer still retryable (a 503, a lost connection): the
        // read failed; a 5xx is never handed back as if it were the resource's answer.
        guard case .retry(_, let serverDelay) = verdict else {
            if case .success(let response) = result { return .finish(response) }
            return .fail(.exhausted)
        }
        guard self.sends < self.policy.maximumAttempts else { return .fail(.exhausted) }
        let elapsed = Duration.seconds(now.timeIntervalSince(self.startedAt))
        switch self.policy.delay(beforeRetry: self.sends, serverDelay: serverDelay, elapsed: elapsed, jitter: jitter) {
        case .wait(let delay): return .sleep(delay)
        case .outOfTime, .beyondLimit: return .fail(.exhausted)
        }
    }
}

extension PSPProfile {
    /// The profile of a request without an idempotency key: no response is a conflict.
    static let readOnly = PSPProfile(
        name: "read-only",
        headerName: "",
        maximumKeyLength: 0,
        retention: .zero,
        conflictReader: IdempotencyConflictReader(name: "none") { _ in nil }
    )
}
