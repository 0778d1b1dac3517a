import AgentRetry
import Foundation
import Testing

/// Every branch of the retry decider, as a table: a record, what happened, the step it decides.
@Suite("The retry decider: every branch, without I/O")
struct RetryDeciderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let decide: @Sendable () -> RetryDecider.Step
        let expected: String
        var testDescription: String { self.name }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let body = RequestFingerprint.form("amount=100")
    static let policy = try! RetryPolicy(maximumAttempts: 3, deadline: .seconds(30), retryAfterCap: .seconds(10))

    static func record(
        _ state: IdempotencyRecord.State = .prepared,
        attempts: Int = 0,
        expired: Bool = false
    ) -> IdempotencyRecord {
        var record = IdempotencyRecord(
            key: IdempotencyKey(rawValue: "key-1"),
            namespace: "tests",
            operation: "charge",
            intentFingerprint: "intent",
            requestFingerprint: Self.body,
            profile: "stripe",
            state: state,
            attempts: attempts,
            createdAt: Self.now,
            updatedAt: Self.now,
            clientExpiresAt: Self.now + (expired ? -1 : 3600),
            pspExpiresAt: Self.now + 7200
        )
        if state.isTerminal || state == .conflict { record.outcome = .init(status: 200, headers: [:], body: []) }
        return record
    }

    static func decider(
        _ record: IdempotencyRecord = Self.record(),
        fingerprint: RequestFingerprint = Self.body,
        lookup: Bool = false,
        profile: PSPProfile = .stripe
    ) -> RetryDecider {
        RetryDecider(
            record: record,
            requestFingerprint: fingerprint,
            settings: .init(
                policy: Self.policy,
                profile: profile,
                leaseDuration: .seconds(60),
                canLookUp: lookup,
                anchor: {
                    String(decoding: $0.body, as: UTF8.self).hasPrefix("pi_")
                        ? String(decoding: $0.body, as: UTF8.self) : nil
                }
            )
        )
    }

    /// A decider that has sent its first attempt.
    static func sending(lookup: Bool = false, profile: PSPProfile = .stripe) -> RetryDecider {
        var decider = Self.decider(lookup: lookup, profile: profile)
        _ = decider.begin(leased: true, now: Self.now)
        return decider
    }

    static func response(
        _ status: Int,
        _ headers: HTTPHeaders = [:],
        body: String = ""
    ) -> Result<HTTPResponse, HTTPTransportError> {
        .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    static func failure(_ failureClass: FailureClass) -> Result<HTTPResponse, HTTPTransportError> {
        .failure(
            HTTPTransportError(
                code: .curl(.operationTimedOut),
                failureClass: failureClass,
                message: "test",
                method: .post,
                url: "http://127.0.0.1/"
            )
        )
    }

    static func received(
        _ result: Result<HTTPResponse, HTTPTransportError>,
        jitter: Double = 0.5,
        lookup: Bool = false,
        profile: PSPProfile = .stripe,
        after seconds: Double = 1
    ) -> RetryDecider.Step {
        var decider = Self.sending(lookup: lookup, profile: profile)
        return decider.received(result, now: Self.now + seconds, jitter: jitter)
    }

    static let cases: [Case] = [
        // Before the lease: what the store's first write returned.
        Case(
            name: "another body under the same intent, once sent",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 1), fingerprint: .form("amount=200"))
                return decider.begin(leased: false, now: Self.now)
            },
            expected: "end none error bodyChanged"
        ),
        Case(
            name: "a finished record answers from the store",
            decide: {
                var decider = Self.decider(Self.record(.succeeded, attempts: 1))
                return decider.begin(leased: false, now: Self.now)
            },
            expected: "end none result succeeded stored"
        ),
        Case(
            name: "a kept conflict, leased",
            decide: {
                var decider = Self.decider(Self.record(.conflict, attempts: 1))
                return decider.begin(leased: true, now: Self.now)
            },
            expected: "end release error payloadMismatch"
        ),
        Case(
            name: "a kept conflict, not leased",
            decide: {
                var decider = Self.decider(Self.record(.conflict, attempts: 1))
                return decider.begin(leased: false, now: Self.now)
            },
            expected: "end none error payloadMismatch"
        ),
        Case(
            name: "another holder has the lease",
            decide: {
                var decider = Self.decider()
                return decider.begin(leased: false, now: Self.now)
            },
            expected: "acquireLease"
        ),
        // Under the lease.
        Case(
            name: "finished while waiting for the lease",
            decide: {
                var decider = Self.decider()
                _ = decider.begin(leased: false, now: Self.now)
                return decider.leased(Self.record(.failed, attempts: 1), now: Self.now)
            },
            expected: "end release result failed stored"
        ),
        Case(
            name: "unknown past the PSP's retention, no lookup",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 2, expired: true))
                return decider.begin(leased: true, now: Self.now)
            },
            expected: "end release error needsReconciliation"
        ),
        Case(
            name: "unknown past the PSP's retention, with a lookup",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 2, expired: true), lookup: true)
                return decider.begin(leased: true, now: Self.now)
            },
            expected: "lookUp nothing"
        ),
        Case(
            name: "a prepared record past retention is sent: nothing can have reached the server",
            decide: {
                var decider = Self.decider(Self.record(.prepared, attempts: 0, expired: true))
                return decider.begin(leased: true, now: Self.now)
            },
            expected: "send inFlight 1"
        ),
        Case(
            name: "a pending record is resumed under its key",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 2))
                return decider.begin(leased: true, now: Self.now)
            },
            expected: "send inFlight 3"
        ),
        Case(
            name: "the holder waited for was told 422 meanwhile: never re-sent",
            decide: {
                var decider = Self.decider()
                _ = decider.begin(leased: false, now: Self.now)
                return decider.leased(Self.record(.conflict, attempts: 1), now: Self.now)
            },
            expected: "end release error payloadMismatch"
        ),
        // After an attempt.
        Case(
            name: "2xx",
            decide: { Self.received(Self.response(200, body: "pi_1")) },
            expected: "end finish succeeded 200 anchor pi_1 result succeeded"
        ),
        Case(
            name: "2xx marked as a replay",
            decide: { Self.received(Self.response(200, ["Idempotent-Replayed": "true"])) },
            expected: "end finish succeeded 200 result succeeded replayed"
        ),
        Case(
            name: "402: definitive",
            decide: { Self.received(Self.response(402)) },
            expected: "end finish failed 402 result failed"
        ),
        Case(
            name: "Stripe-Should-Retry: false on a 500",
            decide: {
                Self.received(Self.response(500, ["Stripe-Should-Retry": "false"]))
            },
            expected: "end finish failed 500 result failed"
        ),
        Case(
            name: "a definitive transport error: refused before sending, no attempt, nothing kept as failed",
            decide: { Self.received(Self.failure(.definitive)) },
            expected: "end finish prepared - error refusedByTransport"
        ),
        Case(
            name: "422 idempotency_conflict: the key was used with another request",
            decide: { Self.received(Self.response(422, body: #"{"code": "idempotency_conflict"}"#)) },
            expected: "end finish conflict 422 error payloadMismatch"
        ),
        Case(
            name: "422 validation error: a refusal, not a conflict, and not re-sent",
            decide: { Self.received(Self.response(422, body: #"{"detail": [{"loc": ["body", "items"]}]}"#)) },
            expected: "end finish failed 422 result failed"
        ),
        Case(
            name: "409 out_of_stock: a refusal, not a conflict, and not re-sent",
            decide: { Self.received(Self.response(409, body: #"{"error": {"code": "out_of_stock"}}"#)) },
            expected: "end finish failed 409 result failed"
        ),
        Case(
            name: "Stripe's 400 idempotency_error",
            decide: {
                Self.received(Self.response(400, body: #"{"error": {"type": "idempotency_error"}}"#))
            },
            expected: "end finish conflict 400 error payloadMismatch"
        ),
        Case(
            name: "409: in flight, with its Retry-After",
            decide: { Self.received(Self.response(409, ["Retry-After": "4"])) },
            expected: "end finish pending - error inFlightAtServer retryAfter 4.0"
        ),
        Case(
            name: "a profile's conflict reader decides, not the status",
            decide: {
                var profile = PSPProfile.acp
                profile.conflictReader = IdempotencyConflictReader(name: "never") { _ in nil }
                return Self.received(Self.response(409), profile: profile)
            },
            expected: "end finish failed 409 result failed"
        ),
        Case(
            name: "503: full jitter on the ceiling",
            decide: { Self.received(Self.response(503), jitter: 0.5) },
            expected: "sleep 0.25 serverError"
        ),
        Case(
            name: "429 with Retry-After: exactly that",
            decide: {
                Self.received(Self.response(429, ["Retry-After": "3"]), jitter: 0)
            },
            expected: "sleep 3.0 rateLimited"
        ),
        Case(
            name: "Retry-After beyond the cap",
            decide: { Self.received(Self.response(503, ["Retry-After": "11"])) },
            expected: "end finish pending - error retryAfterBeyondLimit retryAfter 11.0"
        ),
        Case(
            name: "Retry-After beyond the deadline",
            decide: {
                Self.received(Self.response(503, ["Retry-After": "9"]), after: 25)
            },
            expected: "end finish pending - error retryAfterBeyondLimit retryAfter 9.0"
        ),
        Case(
            name: "a backoff that would end past the deadline",
            decide: {
                Self.received(Self.response(503), jitter: 1, after: 29.8)
            },
            expected: "end finish pending - result pending"
        ),
        Case(
            name: "a lost response: may have been processed",
            decide: { Self.received(Self.failure(.mayHaveBeenProcessed), jitter: 1) },
            expected: "sleep 0.5 mayHaveBeenProcessed"
        ),
        Case(
            name: "not sent: no attempt counted",
            decide: { Self.received(Self.failure(.notSent), jitter: 1) },
            expected: "sleep 0.5 notSent"
        ),
        Case(
            name: "out of attempts after a lost response",
            decide: {
                var decider = Self.sending()
                for _ in 1..<Self.policy.maximumAttempts {
                    _ = decider.received(Self.failure(.mayHaveBeenProcessed), now: Self.now, jitter: 0)
                    _ = decider.slept(now: Self.now)
                }
                return decider.received(Self.failure(.mayHaveBeenProcessed), now: Self.now, jitter: 0)
            },
            expected: "end finish pending - result pending attempts 3"
        ),
        Case(
            name: "out of attempts, nothing ever sent: prepared, not pending",
            decide: {
                var decider = Self.sending()
                for _ in 1..<Self.policy.maximumAttempts {
                    _ = decider.received(Self.failure(.notSent), now: Self.now, jitter: 0)
                    _ = decider.slept(now: Self.now)
                }
                return decider.received(Self.failure(.notSent), now: Self.now, jitter: 0)
            },
            expected: "end finish prepared - result pending attempts 0"
        ),
        Case(
            name: "a replayed saved 500, no lookup",
            decide: {
                Self.received(Self.response(500, ["Idempotent-Replayed": "true"]))
            },
            expected: "end finish pending 500 error needsReconciliation"
        ),
        Case(
            name: "a replayed saved 500, with a lookup",
            decide: {
                Self.received(Self.response(500, ["Idempotent-Replayed": "true"]), lookup: true)
            },
            expected: "lookUp pending 500"
        ),
        Case(
            name: "a replayed 500 where the PSP does not save them: retried",
            decide: {
                Self.received(Self.response(500, ["Idempotent-Replayed": "true"]), jitter: 0, profile: .acp)
            },
            expected: "sleep 0.0 serverError"
        ),
        // After a sleep.
        Case(
            name: "the wait is over: the next attempt",
            decide: {
                var decider = Self.sending()
                _ = decider.received(Self.failure(.mayHaveBeenProcessed), now: Self.now, jitter: 0)
                return decider.slept(now: Self.now)
            },
            expected: "send inFlight 2"
        ),
        Case(
            name: "the wait was cancelled: resumable",
            decide: {
                var decider = Self.sending()
                _ = decider.received(Self.failure(.mayHaveBeenProcessed), now: Self.now, jitter: 0)
                return decider.sleepCancelled(now: Self.now)
            },
            expected: "end finish pending - result pending"
        ),
        // After a lookup.
        Case(
            name: "the lookup found a success",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 1, expired: true), lookup: true)
                _ = decider.begin(leased: true, now: Self.now)
                return decider.lookedUp(.found(HTTPResponse(status: 200, body: Array("pi_9".utf8))), now: Self.now)
            },
            expected: "end finish succeeded 200 anchor pi_9 result succeeded"
        ),
        Case(
            name: "the lookup found a decline",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 1, expired: true), lookup: true)
                _ = decider.begin(leased: true, now: Self.now)
                return decider.lookedUp(.found(HTTPResponse(status: 402)), now: Self.now)
            },
            expected: "end finish failed 402 result failed"
        ),
        Case(
            name: "the lookup found nothing",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 1, expired: true), lookup: true)
                _ = decider.begin(leased: true, now: Self.now)
                return decider.lookedUp(.nothing, now: Self.now)
            },
            expected: "end release error needsReconciliation"
        ),
        Case(
            name: "the lookup failed: still unknown",
            decide: {
                var decider = Self.decider(Self.record(.pending, attempts: 1, expired: true), lookup: true)
                _ = decider.begin(leased: true, now: Self.now)
                return decider.lookedUp(.failed("unreachable"), now: Self.now)
            },
            expected: "end release result pending"
        ),
    ]

    @Test("Each branch decides its step", arguments: Self.cases)
    func decides(_ testCase: Case) {
        #expect(Self.describe(testCase.decide()) == testCase.expected)
    }

    /// The step in a few words: what a reader of the table checks.
    static func describe(_ step: RetryDecider.Step) -> String {
        switch step {
        case .acquireLease:
            return "acquireLease"
        case .send(let record):
            return "send \(record.state) \(record.attempts)"
        case .sleep(let delay, let reason):
            return "sleep \(Self.seconds(delay)) \(reason)"
        case .lookUp(let persist):
            return "lookUp "
                + (persist.map { "\($0.state) \($0.outcome.map { String($0.status) } ?? "-")" } ?? "nothing")
        case .end(let ending):
            var words = ["end"]
            switch ending.write {
            case .finish(let record):
                words += ["finish", "\(record.state)", record.outcome.map { String($0.status) } ?? "-"]
                if let anchor = record.anchor { words += ["anchor", anchor] }
            case .releaseLease: words.append("release")
            case .none: words.append("none")
            }
            switch ending.result {
            case .success(let result):
                words += ["result", result.status.rawValue]
                if result.fromStore { words.append("stored") }
                if result.replayed { words.append("replayed") }
                if result.status == .pending, result.attempts != 1 { words += ["attempts", String(result.attempts)] }
            case .failure(let error):
                words += ["error", "\(error.code)"]
                if let retryAfter = error.retryAfter { words += ["retryAfter", String(Self.seconds(retryAfter))] }
            }
            return words.joined(separator: " ")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
