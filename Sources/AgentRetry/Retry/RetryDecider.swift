import Foundation

/// Decides every step of one idempotent call: persist and send, sleep, look the outcome up, or end
/// with an outcome or a typed error. The one home of the retry decision.
///
/// It does no I/O and reads no clock: the caller reports each step's result with the time and a
/// jitter draw, and performs the step it gets back (``IdempotentClient`` is that thin loop). The
/// decider owns the record it will have the caller write; only an ``Ending`` gives the lease up
/// (a store failure aside: then the loop gives it up, owner-checked).
///
/// ```
/// begin ─▶ acquireLease ─▶ leased ─▶ send ─▶ received ─┬─▶ sleep ─▶ slept ─▶ send …
///   │                        │                         ├─▶ lookUp ─▶ lookedUp ─▶ end
///   └─▶ end                  └─▶ lookUp / end          └─▶ end
/// ```
package struct RetryDecider: Sendable {
    /// The settings a call runs under.
    package struct Settings: Sendable {
        /// When and how to retry.
        package var policy: RetryPolicy
        /// The PSP's key header, conflicts and replays.
        package var profile: PSPProfile
        /// How long each write extends the lease.
        package var leaseDuration: Duration
        /// Whether the caller has a lookup for outcomes that must not be re-sent.
        package var canLookUp: Bool
        /// Reads the task's anchor from a successful response.
        package var anchor: (@Sendable (HTTPResponse) -> String?)?

        /// Creates settings.
        package init(
            policy: RetryPolicy,
            profile: PSPProfile,
            leaseDuration: Duration,
            canLookUp: Bool = false,
            anchor: (@Sendable (HTTPResponse) -> String?)? = nil
        ) {
            self.policy = policy
            self.profile = profile
            self.leaseDuration = leaseDuration
            self.canLookUp = canLookUp
            self.anchor = anchor
        }
    }

    /// The response headers kept with an outcome.
    static let keptHeaderNames = [
        "Idempotent-Replayed", "Retry-After", "Content-Type", "Request-Id", IdempotentResult.bodyOmittedHeader,
    ]

    let settings: Settings
    let requestFingerprint: RequestFingerprint
    /// The key derived now: a record under another key (another secret or time bucket) was
    /// fingerprinted under another secret, so its credentials' digest cannot be compared.
    let derivedKey: IdempotencyKey?
    /// The record as the decider last had it written, or found it.
    package internal(set) var record: IdempotencyRecord
    /// When the sending started (after the lease was taken): the deadline's origin.
    var startedAt: Date?
    /// Sends decided in this call: the policy's attempt count.
    var sends = 0
    /// Whether any request of this intent may have reached the server.
    var mayHaveBeenProcessed: Bool
    /// Why a lookup was asked for, while it runs.
    var lookupReason: LookupReason?

    /// Starts deciding for `record`, the intent's record as the store's first write returned it.
    /// - Parameter derivedKey: The key the intent derives to now; the credentials' digest of a
    ///   record under another key is not compared. `nil` compares it always.
    package init(
        record: IdempotencyRecord,
        requestFingerprint: RequestFingerprint,
        settings: Settings,
        derivedKey: IdempotencyKey? = nil
    ) {
        self.settings = settings
        self.requestFingerprint = requestFingerprint
        self.derivedKey = derivedKey
        self.record = record
        self.mayHaveBeenProcessed = record.attempts > 0 && record.state != .prepared
    }

    var key: IdempotencyKey { self.record.key }
    var policy: RetryPolicy { self.settings.policy }

    /// The first step, given whether the store's first write took the lease.
    package mutating func begin(leased: Bool, now: Date) -> Step {
        // A record that was never sent may take another request once its lease is held; any
        // other record refuses one at once.
        if let difference = self.difference(from: self.record), !self.record.neverSent {
            let write: Ending.Write = leased ? .releaseLease : .none
            return .end(Ending(write: write, result: .failure(self.changed(difference))))
        }
        if let kept = self.keptAnswer(releasing: leased) { return kept }
        return leased ? self.leased(self.record, now: now) : .acquireLease
    }

    /// The lease is held, with the record as it now is.
    package mutating func leased(_ current: IdempotencyRecord, now: Date) -> Step {
        self.record = current
        self.mayHaveBeenProcessed = current.attempts > 0 && current.state != .prepared
        if let difference = self.difference(from: current) {
            guard current.neverSent else {
                return .end(Ending(write: .releaseLease, result: .failure(self.changed(difference))))
            }
            // Nothing was ever sent under this key: the request asked for now is the intent's.
            self.record.requestFingerprint = self.requestFingerprint
        } else if current.requestFingerprint.target == nil, !current.state.isTerminal {
            // A record written before targets were kept learns this request's.
            self.record.requestFingerprint = self.requestFingerprint
        }
        // The holder waited for may have finished it, or been told 422 meanwhile: never re-sent.
        if let kept = self.keptAnswer(releasing: true) { return kept }
        if current.attempts > 0 && current.state != .prepared && now >= current.clientExpiresAt {
            return self.lookUp(.retentionPassed, persist: nil)
        }
        self.startedAt = now
        return self.send(now: now)
    }

    /// What differs between the request asked for and `record`'s, if anything.
    func difference(from record: IdempotencyRecord) -> RequestFingerprint.Difference? {
        self.requestFingerprint.difference(
            from: record.requestFingerprint,
            comparingCredentials: self.derivedKey.map { $0 == record.key } ?? true
        )
    }

    /// The error of a request that differs from its intent's first one.
    func changed(_ difference: RequestFingerprint.Difference) -> IdempotentCallError {
        switch difference {
        case .body:
            self.error(
                .bodyChanged,
                "this intent was first sent with another body; "
                    + "start a new generation of the intent to send a different request"
            )
        case .target:
            self.error(
                .targetChanged,
                "this intent was first sent to another target (method, scheme, host, port, path or PSP profile); "
                    + "nothing was sent: a request to another endpoint is another intent"
            )
        case .credentials:
            self.error(
                .credentialsChanged,
                "this intent was first sent with other credentials (Authorization, X-API-Key or Stripe-Account); "
                    + "nothing was sent now, but the first request may have been processed: resume it with the "
                    + "credentials it started with (another intent would be a second request, not a retry)"
            )
        }
    }

    /// The answer of a record that ended (a kept outcome, or a kept conflict), with no request;
    /// `nil` while it is unfinished. The lease, when held, is given up.
    func keptAnswer(releasing leased: Bool) -> Step? {
        let write: Ending.Write = leased ? .releaseLease : .none
        if self.record.state.isTerminal {
            return .end(Ending(write: write, result: .success(Self.storedResult(self.record))))
        }
        guard self.record.state == .conflict else { return nil }
        let error = self.error(
            .payloadMismatch,
            "the server said this key was used with another request; kept, not re-sent",
            response: Self.storedResult(self.record).response
        )
        return .end(Ending(write: write, result: .failure(error)))
    }

    /// A wait before a re-send is over.
    package mutating func slept(now: Date) -> Step {
        self.send(now: now)
    }

    /// A wait before a re-send was cancelled: stop, resumable.
    package mutating func sleepCancelled(now: Date) -> Step {
        self.stop(now: now)
    }

    /// The record of the next attempt, in flight, for the caller to write before sending.
    mutating func send(now: Date) -> Step {
        self.sends += 1
        self.record.attempts += 1
        return .send(self.written(.inFlight, now: now))
    }

    /// Ends the call without an outcome, resumable: the record pending (or prepared, when nothing
    /// can have been sent), the result pending unless `error` says more.
    mutating func stop(failing error: IdempotentCallError? = nil, now: Date) -> Step {
        let record = self.written(self.mayHaveBeenProcessed ? .pending : .prepared, now: now)
        return .end(Ending(write: .finish(record), result: error.map { .failure($0) } ?? .success(self.pending)))
    }

    /// A result that says the outcome is unknown for now, resumable with the same key.
    var pending: IdempotentResult {
        IdempotentResult(
            status: .pending,
            response: nil,
            key: self.key,
            attempts: self.record.attempts,
            replayed: false,
            fromStore: false
        )
    }

    /// The record with `state`, `response`'s outcome and the write's times, as the decider's own.
    mutating func written(
        _ state: IdempotencyRecord.State,
        _ response: HTTPResponse? = nil,
        now: Date
    ) -> IdempotencyRecord {
        self.record.state = state
        self.record.updatedAt = now
        self.record.leaseExpiresAt = now + self.settings.leaseDuration.secondsValue
        if let response {
            var kept: [String: String] = [:]
            for name in Self.keptHeaderNames {
                if let value = response.headers.first(name: name) { kept[name] = value }
            }
            self.record.outcome = .init(status: response.status, headers: kept, body: response.body)
        }
        return self.record
    }

    func error(
        _ code: IdempotentCallError.Code,
        _ message: String,
        retryAfter: Duration? = nil,
        response: HTTPResponse? = nil
    ) -> IdempotentCallError {
        IdempotentCallError(
            code,
            key: self.key,
            attempts: self.record.attempts,
            retryAfter: retryAfter,
            response: response,
            message: message
        )
    }

    /// The result a finished record answers with, from the store.
    package static func storedResult(_ record: IdempotencyRecord) -> IdempotentResult {
        let response = record.outcome.map { outcome in
            HTTPResponse(
                status: outcome.status,
                headers: HTTPHeaders(
                    outcome.headers.sorted { $0.key < $1.key }
                        .map { ($0.key, $0.value) }
                ),
                body: outcome.body,
                wireSends: 0
            )
        }
        return IdempotentResult(
            status: record.state == .succeeded ? .succeeded : .failed,
            response: response,
            key: record.key,
            attempts: record.attempts,
            replayed: false,
            fromStore: true,
            anchor: record.anchor
        )
    }
}
