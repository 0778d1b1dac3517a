import AgentRetry
import Foundation
import Testing

/// The decider on requests that never left, answers over the size limit, and requests that
/// differ from their intent's first one (issue 14, findings 2 to 5).
@Suite("The retry decider: refusals, oversized answers, other targets")
struct RetryDeciderRefusalTests {
    typealias Case = RetryDeciderTests.Case
    typealias T = RetryDeciderTests

    static let target = String(repeating: "a", count: 64)
    static let credentials = String(repeating: "c", count: 64)
    static let full = T.body.adding(target: Self.target, credentials: Self.credentials)

    static func failure(
        _ code: HTTPTransportError.Code,
        _ failureClass: FailureClass,
        curl: CurlResultCode? = nil,
        status: Int? = nil,
        sends: Int = 0
    ) -> Result<HTTPResponse, HTTPTransportError> {
        .failure(
            HTTPTransportError(
                code: code,
                failureClass: failureClass,
                curlCode: curl,
                message: "test",
                method: .post,
                url: "http://127.0.0.1/",
                wireSends: sends,
                responseStatus: status
            )
        )
    }

    static func stored(
        _ state: IdempotencyRecord.State,
        attempts: Int,
        fingerprint: RequestFingerprint = Self.full
    ) -> IdempotencyRecord {
        var record = T.record(state, attempts: attempts)
        record.requestFingerprint = fingerprint
        return record
    }

    static func begin(_ record: IdempotencyRecord, _ fingerprint: RequestFingerprint, leased: Bool = true) -> String {
        var decider = RetryDecider(
            record: record,
            requestFingerprint: fingerprint,
            settings: .init(policy: T.policy, profile: .stripe, leaseDuration: .seconds(60)),
            derivedKey: record.key
        )
        return T.describe(decider.begin(leased: leased, now: T.now))
    }

    static let cases: [Case] = [
        Case(
            name: "a header the transport refuses: usage, no attempt, the record as unsent as it was",
            decide: { T.received(Self.failure(.invalidHeader, .notSent)) },
            expected: "end finish prepared - error invalidRequest"
        ),
        Case(
            name: "a URL libcurl calls malformed: usage, not a kept failure",
            decide: { T.received(Self.failure(.curl(.urlMalformat), .definitive, curl: .urlMalformat)) },
            expected: "end finish prepared - error invalidRequest"
        ),
        Case(
            name: "certificate verification failed: refused by the transport, not a kept failure",
            decide: {
                T.received(Self.failure(.curl(.peerFailedVerification), .definitive, curl: .peerFailedVerification))
            },
            expected: "end finish prepared - error refusedByTransport"
        ),
        Case(
            name: "a 2xx over the size limit: a success whose body was not kept",
            decide: { T.received(Self.failure(.responseBodyTooLarge, .definitive, status: 200, sends: 1)) },
            expected: "end finish succeeded 200 result succeeded"
        ),
        Case(
            name: "a 402 over the size limit: pending, never failed",
            decide: { T.received(Self.failure(.responseBodyTooLarge, .definitive, status: 402, sends: 1)) },
            expected: "end finish pending - error responseBodyTooLarge"
        ),
        Case(
            name: "a 402 over the size limit, with a lookup: looked up",
            decide: {
                T.received(Self.failure(.responseBodyTooLarge, .definitive, status: 402, sends: 1), lookup: true)
            },
            expected: "lookUp pending -"
        ),
        Case(
            name: "a 503 over the size limit: re-sent like any 503",
            decide: { T.received(Self.failure(.responseBodyTooLarge, .definitive, status: 503, sends: 1), jitter: 0) },
            expected: "sleep 0.0 serverError"
        ),
        Case(
            name: "over the size limit, status not read: pending",
            decide: { T.received(Self.failure(.responseBodyTooLarge, .definitive, sends: 1)) },
            expected: "end finish pending - error responseBodyTooLarge"
        ),
        Case(
            name: "an oversized answer the lookup cannot find: still pending",
            decide: {
                var decider = T.sending(lookup: true)
                _ = decider.received(
                    Self.failure(.responseBodyTooLarge, .definitive, status: 402, sends: 1),
                    now: T.now,
                    jitter: 0
                )
                return decider.lookedUp(.nothing, now: T.now)
            },
            expected: "end release error responseBodyTooLarge"
        ),
    ]

    @Test("Each branch decides its step", arguments: Self.cases)
    func decides(_ testCase: Case) {
        #expect(T.describe(testCase.decide()) == testCase.expected)
    }

    @Test("A kept 2xx without its body says so, also from the store")
    func omittedBodyMarked() throws {
        var decider = T.sending()
        let step = decider.received(
            Self.failure(.responseBodyTooLarge, .definitive, status: 201, sends: 1),
            now: T.now,
            jitter: 0
        )
        guard case .end(let ending) = step, case .finish(let record) = ending.write,
            case .success(let result) = ending.result
        else {
            Issue.record("not a finish: \(T.describe(step))")
            return
        }
        #expect(result.status == .succeeded && result.responseBodyOmitted)
        #expect(result.attempts == 1)
        #expect(RetryDecider.storedResult(record).responseBodyOmitted)
        #expect(RetryDecider.storedResult(record).status == .succeeded)
    }

    @Test("Another target or other credentials than a sent record's: a conflict that says which")
    func otherTargets() {
        let sent = Self.stored(.pending, attempts: 1)
        let otherTarget = T.body.adding(target: String(repeating: "b", count: 64), credentials: Self.credentials)
        let otherKey = T.body.adding(target: Self.target, credentials: String(repeating: "d", count: 64))
        #expect(Self.begin(sent, otherTarget) == "end release error targetChanged")
        #expect(Self.begin(sent, otherTarget, leased: false) == "end none error targetChanged")
        #expect(Self.begin(sent, otherKey) == "end release error credentialsChanged")
        let succeeded = Self.stored(.succeeded, attempts: 1)
        #expect(Self.begin(succeeded, otherTarget, leased: false) == "end none error targetChanged")
        #expect(Self.begin(succeeded, Self.full, leased: false) == "end none result succeeded stored")
        // Another body is still reported as such, whatever else differs.
        #expect(
            Self.begin(sent, RequestFingerprint.form("amount=7").adding(target: "x", credentials: "y"))
                == "end release error bodyChanged"
        )
    }

    @Test("Credentials are not compared under another key (another secret); targets are")
    func credentialsUnderAnotherKey() {
        let sent = Self.stored(.pending, attempts: 1)
        let otherKey = T.body.adding(target: Self.target, credentials: String(repeating: "d", count: 64))
        var decider = RetryDecider(
            record: sent,
            requestFingerprint: otherKey,
            settings: .init(policy: T.policy, profile: .stripe, leaseDuration: .seconds(60)),
            derivedKey: IdempotencyKey(rawValue: "key-under-another-secret")
        )
        #expect(T.describe(decider.begin(leased: true, now: T.now)) == "send inFlight 2")
    }

    @Test("A record that was never sent takes the request asked for now, under its lease")
    func neverSentAdopts() {
        let unsent = Self.stored(.prepared, attempts: 0)
        let corrected = RequestFingerprint.form("amount=7").adding(target: "t2", credentials: "c2")
        var decider = RetryDecider(
            record: unsent,
            requestFingerprint: corrected,
            settings: .init(policy: T.policy, profile: .stripe, leaseDuration: .seconds(60)),
            derivedKey: unsent.key
        )
        #expect(T.describe(decider.begin(leased: false, now: T.now)) == "acquireLease")
        let step = decider.leased(unsent, now: T.now)
        guard case .send(let record) = step else {
            Issue.record("not sent: \(T.describe(step))")
            return
        }
        #expect(record.requestFingerprint == corrected)
        // Sent meanwhile by the holder waited for: a conflict, never adopted.
        var late = RetryDecider(
            record: unsent,
            requestFingerprint: corrected,
            settings: .init(policy: T.policy, profile: .stripe, leaseDuration: .seconds(60)),
            derivedKey: unsent.key
        )
        _ = late.begin(leased: false, now: T.now)
        #expect(
            T.describe(late.leased(Self.stored(.succeeded, attempts: 1), now: T.now)) == "end release error bodyChanged"
        )
    }

    @Test("A record kept before targets were: only its body is compared, and it learns the target")
    func legacyRecords() {
        let legacy = Self.stored(.pending, attempts: 1, fingerprint: T.body)
        var decider = RetryDecider(
            record: legacy,
            requestFingerprint: Self.full,
            settings: .init(policy: T.policy, profile: .stripe, leaseDuration: .seconds(60)),
            derivedKey: legacy.key
        )
        let step = decider.begin(leased: true, now: T.now)
        guard case .send(let record) = step else {
            Issue.record("not sent: \(T.describe(step))")
            return
        }
        #expect(record.requestFingerprint == Self.full)
        #expect(Self.full.body == T.body)
    }
}
