import CoreMetrics
import Foundation
import Logging

extension IdempotentClient {
    /// Sends under the lease, retrying per the policy, persisting every attempt and the outcome.
    func attempt(
        _ request: HTTPRequest, record initial: IdempotencyRecord, operation: String, profile: PSPProfile,
        anchor: (@Sendable (HTTPResponse) -> String?)?
    ) async throws(IdempotentCallError) -> IdempotentResult {
        let policy = self.configuration.policy
        let owner = self.configuration.owner
        let key = initial.key
        let started = self.environment.now()
        var record = initial
        var request = request
        request.headers.replaceOrAdd(name: profile.headerName, value: key.rawValue)
        var mayHaveBeenProcessed = record.attempts > 0 && record.state != .prepared

        /// Writes the record under the lease; a final write also gives the lease up, in the same commit.
        func persist(_ state: IdempotencyRecord.State, _ response: HTTPResponse? = nil, final: Bool = true) async throws(IdempotentCallError) {
            record.state = state
            record.updatedAt = self.environment.now()
            record.leaseExpiresAt = record.updatedAt + self.configuration.leaseDuration.timeInterval
            if let response {
                var kept: [String: String] = [:]
                for name in ["Idempotent-Replayed", "Retry-After", "Content-Type", "Request-Id"] {
                    if let value = response.headers.first(name: name) { kept[name] = value }
                }
                record.outcome = .init(status: response.status, headers: kept, body: response.body)
            }
            let snapshot = record
            if final {
                try await self.storeCall(key) { try await self.store.finish(snapshot, owner: owner) }
            } else {
                try await self.storeCall(key) { try await self.store.update(snapshot, owner: owner) }
            }
        }

        for attemptNumber in 1...policy.maximumAttempts {
            // The key and the attempt are on disk before the first byte leaves.
            record.attempts += 1
            if self.configuration.keyReuse == .newRandomKeyPerAttempt {
                request.headers.replaceOrAdd(name: profile.headerName, value: UUID().uuidString.lowercased())
            }
            try await persist(.inFlight, final: false)
            self.counters.attempts.increment()
            await self.configuration.onEvent?(.persistedBeforeSending(key: key, operation: operation, attempt: record.attempts))
            let verdict: AttemptVerdict
            var response: HTTPResponse?
            do {
                let received = try await self.transport.execute(request)
                await self.configuration.onEvent?(.responseReceived(key: key, operation: operation, status: received.status))
                response = received
                verdict = policy.verdict(for: received, now: self.environment.now())
                mayHaveBeenProcessed = true
            } catch {
                verdict = policy.verdict(for: error)
                if error.failureClass != .notSent { mayHaveBeenProcessed = true }
                if error.failureClass == .notSent { record.attempts -= 1 }
            }
            let replayed = response?.headers.first(name: "Idempotent-Replayed")?.lowercased() == "true"
            if replayed { self.counters.replays.increment() }
            if profile.replaysServerErrors, replayed, let response, response.status >= 500 {
                // The PSP saved a server error under this key: every re-send would get it again,
                // and whether the operation happened is unknown until it is looked up.
                try await persist(.pending, response, final: false)
                throw IdempotentCallError(.needsReconciliation, key: key, attempts: record.attempts, response: response,
                    message: "the \(profile.name) key replays a saved \(response.status); the outcome must be looked up, not re-sent")
            }
            switch verdict {
            case .succeeded:
                // The anchor (an ACP checkout_session_id) is committed with the outcome, before the
                // caller can take any further step.
                if let anchor, let response { record.anchor = anchor(response) ?? record.anchor }
                try await persist(.succeeded, response)
                return IdempotentResult(status: .succeeded, response: response, key: key, attempts: record.attempts, replayed: replayed,
                    fromStore: false, anchor: record.anchor)
            case .failed:
                if let response {
                    try await persist(.failed, response)
                    return IdempotentResult(status: .failed, response: response, key: key, attempts: record.attempts, replayed: replayed, fromStore: false)
                }
                // A definitive transport error (malformed URL, failed verification, body over the
                // cap): re-sending cannot help, so the failure is kept.
                try await persist(.failed)
                return IdempotentResult(status: .failed, response: nil, key: key, attempts: record.attempts, replayed: false, fromStore: false)
            case .conflict(.payloadMismatch):
                self.counters.conflict("payload_mismatch")
                try await persist(.conflict, response)
                throw IdempotentCallError(.payloadMismatch, key: key, attempts: record.attempts, response: response,
                    message: "the server says this key was used with another request; not re-sent")
            case .conflict(.inFlight(let retryAfter)):
                self.counters.conflict("in_flight")
                try await persist(.pending)
                throw IdempotentCallError(.inFlightAtServer, key: key, attempts: record.attempts, retryAfter: retryAfter, response: response,
                    message: "the server is still processing the first request with this key; not re-sent, resumable")
            case .retry(let reason, let serverDelay):
                guard attemptNumber < policy.maximumAttempts else { break }
                self.counters.retry(reason)
                self.logger.debug("retrying", metadata: ["key": "\(key)", "reason": "\(reason.rawValue)", "attempt": "\(attemptNumber)"])
                let delay = serverDelay ?? policy.backoffCeiling(beforeRetry: attemptNumber) * self.environment.unitRandom()
                let elapsed = self.environment.now().timeIntervalSince(started)
                if let serverDelay, serverDelay > policy.retryAfterCap || elapsed + serverDelay.timeInterval > policy.deadline.timeInterval {
                    try await persist(mayHaveBeenProcessed ? .pending : .prepared)
                    throw IdempotentCallError(.retryAfterBeyondLimit, key: key, attempts: record.attempts, retryAfter: serverDelay, response: response,
                        message: "the server asked to wait \(serverDelay), beyond the retry-after cap or the deadline")
                }
                guard elapsed + delay.timeInterval < policy.deadline.timeInterval else { break }
                do {
                    try await self.environment.sleep(for: delay)
                } catch {
                    // Cancelled while waiting: stop, resumable.
                    try await persist(mayHaveBeenProcessed ? .pending : .prepared)
                    return IdempotentResult(status: .pending, response: nil, key: key, attempts: record.attempts, replayed: false, fromStore: false)
                }
                continue
            }
            break
        }
        try await persist(mayHaveBeenProcessed ? .pending : .prepared)
        return IdempotentResult(status: .pending, response: nil, key: key, attempts: record.attempts, replayed: false, fromStore: false)
    }
}
