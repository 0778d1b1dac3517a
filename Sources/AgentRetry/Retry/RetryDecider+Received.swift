import Foundation

extension RetryDecider {
    /// An attempt ended: with the server's response, or with a classified transport failure.
    /// - Parameters:
    ///   - result: The response, or the transport's error.
    ///   - now: The time it ended.
    ///   - jitter: A uniformly random draw in `0...1`, for the backoff before a re-send.
    package mutating func received(
        _ result: Result<HTTPResponse, HTTPTransportError>,
        now: Date,
        jitter: Double
    ) -> Step {
        let verdict: AttemptVerdict
        var response: HTTPResponse?
        switch result {
        case .success(let received):
            response = received
            self.mayHaveBeenProcessed = true
            verdict = self.policy.verdict(for: received, profile: self.settings.profile, now: now)
        case .failure(let error):
            if error.code == .responseBodyTooLarge { return self.oversized(error, now: now, jitter: jitter) }
            if let refusal = Self.refusal(error) {
                // Refused before a byte left: no attempt, no outcome, the record as unsent as it was.
                self.record.attempts -= 1
                return self.stop(failing: self.error(refusal, "refused before sending: \(error.message)"), now: now)
            }
            verdict = self.policy.verdict(for: error)
            // A request that provably never left is no attempt.
            if error.failureClass == .notSent { self.record.attempts -= 1 } else { self.mayHaveBeenProcessed = true }
        }
        let replayed = response.map(self.settings.profile.isReplay) ?? false
        if let response, replayed, response.status >= 500, self.settings.profile.replaysServerErrors {
            // The PSP saved a server error under this key: every re-send would get it again, and
            // whether the operation happened is unknown until it is looked up.
            let pending = self.written(.pending, response, now: now)
            return self.lookUp(.replayedServerError(status: response.status), persist: pending, response: response)
        }
        switch verdict {
        case .succeeded:
            guard let response else { return self.stop(now: now) }
            // The anchor (an ACP checkout_session_id) is committed with the outcome, before the
            // caller can take any further step.
            if let anchor = self.settings.anchor { self.record.anchor = anchor(response) ?? self.record.anchor }
            return self.finish(.succeeded, response, replayed: replayed, now: now)
        case .failed:
            // A definitive response: re-sending cannot help, so the failure is kept. (Definitive
            // transport errors never get here: they were refused before sending, or a body over
            // the cap after the server answered.)
            guard let response else { return self.stop(now: now) }
            return self.finish(.failed, response, replayed: replayed, now: now)
        case .conflict(.payloadMismatch):
            let record = self.written(.conflict, response, now: now)
            return .end(
                Ending(
                    write: .finish(record),
                    result: .failure(
                        self.error(
                            .payloadMismatch,
                            "the server says this key was used with another request; not re-sent",
                            response: response
                        )
                    )
                )
            )
        case .conflict(.inFlight(let retryAfter)):
            let record = self.written(.pending, now: now)
            return .end(
                Ending(
                    write: .finish(record),
                    result: .failure(
                        self.error(
                            .inFlightAtServer,
                            "the server is still processing the first request with this key; not re-sent, resumable",
                            retryAfter: retryAfter,
                            response: response
                        )
                    )
                )
            )
        case .retry(let reason, let serverDelay):
            return self.retry(reason, serverDelay: serverDelay, response: response, now: now, jitter: jitter)
        }
    }

    /// Waits and re-sends, or stops: out of attempts, out of time, or asked to wait too long.
    mutating func retry(
        _ reason: RetryReason,
        serverDelay: Duration?,
        response: HTTPResponse?,
        now: Date,
        jitter: Double
    ) -> Step {
        guard self.sends < self.policy.maximumAttempts else { return self.stop(now: now) }
        let elapsed = Duration.seconds(now.timeIntervalSince(self.startedAt ?? now))
        switch self.policy.delay(beforeRetry: self.sends, serverDelay: serverDelay, elapsed: elapsed, jitter: jitter) {
        case .wait(let delay):
            return .sleep(delay, reason: reason)
        case .outOfTime:
            return self.stop(now: now)
        case .beyondLimit(let asked):
            return self.stop(
                failing: self.error(
                    .retryAfterBeyondLimit,
                    "the server asked to wait \(asked), beyond the retry-after cap or the deadline",
                    retryAfter: asked,
                    response: response
                ),
                now: now
            )
        }
    }

    /// Ends with a kept outcome.
    mutating func finish(
        _ state: IdempotencyRecord.State,
        _ response: HTTPResponse?,
        replayed: Bool,
        now: Date
    ) -> Step {
        let record = self.written(state, response, now: now)
        let result = IdempotentResult(
            status: state == .succeeded ? .succeeded : .failed,
            response: response,
            key: self.key,
            attempts: record.attempts,
            replayed: replayed && response != nil,
            fromStore: false,
            anchor: state == .succeeded ? record.anchor : nil
        )
        return .end(Ending(write: .finish(record), result: .success(result)))
    }

    /// Looks the outcome up when the caller can; else ends with
    /// ``IdempotentCallError/Code-swift.struct/needsReconciliation``.
    mutating func lookUp(_ reason: LookupReason, persist: IdempotencyRecord?, response: HTTPResponse? = nil) -> Step {
        guard self.settings.canLookUp else {
            let message =
                switch reason {
                case .retentionPassed:
                    "the outcome is unknown and the \(self.settings.profile.name) key retention has passed; "
                        + "nothing was sent"
                case .replayedServerError(let status):
                    "the \(self.settings.profile.name) key replays a saved \(status); "
                        + "the outcome must be looked up, not re-sent"
                case .oversizedAnswer:
                    "the server's answer was over the transport's size limit; the outcome must be looked up"
                }
            let write: Ending.Write = persist.map { .finish($0) } ?? .releaseLease
            return .end(
                Ending(write: write, result: .failure(self.error(.needsReconciliation, message, response: response)))
            )
        }
        self.lookupReason = reason
        return .lookUp(persist: persist)
    }

    /// The caller's lookup ended. What it found is kept as the outcome; nothing is ever sent.
    package mutating func lookedUp(_ result: LookupResult, now: Date) -> Step {
        switch result {
        case .failed:
            // Still unknown, and the next invocation looks again.
            return .end(Ending(write: .releaseLease, result: .success(self.pending)))
        case .nothing:
            if case .oversizedAnswer = self.lookupReason {
                // The record is pending already: still unknown, and the next invocation tries again.
                let error = self.error(
                    .responseBodyTooLarge,
                    "the server's answer was over the transport's size limit and the lookup found nothing; "
                        + "the outcome stays pending"
                )
                return .end(Ending(write: .releaseLease, result: .failure(error)))
            }
            let message =
                switch self.lookupReason {
                case .replayedServerError:
                    "the \(self.settings.profile.name) key replays a saved server error "
                        + "and the lookup found nothing; not sent again"
                case .retentionPassed, .oversizedAnswer, nil:
                    "the outcome is unknown and the \(self.settings.profile.name) key retention has passed; "
                        + "nothing was sent"
                }
            return .end(Ending(write: .releaseLease, result: .failure(self.error(.needsReconciliation, message))))
        case .found(let response):
            let succeeded = (200..<300).contains(response.status)
            if succeeded, let anchor = self.settings.anchor {
                self.record.anchor = anchor(response) ?? self.record.anchor
            }
            var record = self.written(succeeded ? .succeeded : .failed, now: now)
            record.outcome = .init(status: response.status, headers: [:], body: response.body)
            self.record = record
            let result = IdempotentResult(
                status: succeeded ? .succeeded : .failed,
                response: response,
                key: self.key,
                attempts: record.attempts,
                replayed: false,
                fromStore: false,
                anchor: record.anchor
            )
            return .end(Ending(write: .finish(record), result: .success(result)))
        }
    }
}
