import CoreMetrics
import Crypto
import Foundation
import Logging

/// Makes payment calls safe to retry: a deterministic key per intent, persisted before the first
/// byte is sent, retries that never re-send a 409 or 422, and outcomes that survive a crash.
///
/// One call, end to end:
/// 1. The intent's record is looked up; a kept terminal outcome is returned with no request.
/// 2. The intent's lease is taken atomically; another holder is waited for a bounded time.
/// 3. The record, with its key, is persisted before the first byte is sent.
/// 4. The request is sent with the PSP's header, retried per ``RetryPolicy``, each attempt persisted.
/// 5. The outcome is persisted and the lease released.
public final class IdempotentClient: Sendable {
    /// Settings of a client.
    public struct Configuration: Sendable {
        /// When and how to retry. Defaults to ``RetryPolicy/standard``.
        public var policy: RetryPolicy
        /// How long a lease holds before another invocation may take over; renewed before every
        /// send, so it must exceed one attempt's total timeout. Defaults to 60 s.
        public var leaseDuration: Duration
        /// How long to wait for another holder of the intent's lease. Defaults to 5 s.
        public var leaseWait: Duration
        /// This invocation's name in leases. Defaults to host, process id and a random suffix.
        public var owner: String
        /// Called at each step of a call, for progress reports and fault-injection tests. Defaults
        /// to nothing.
        public var onEvent: (@Sendable (ClientEvent) async -> Void)?
        /// Which key each attempt carries. Defaults to ``KeyReuse-swift.enum/sameKey``.
        public var keyReuse: KeyReuse = .sameKey

        /// Which key each attempt of a call carries.
        public enum KeyReuse: Sendable, Hashable {
            /// Every attempt carries the intent's key: the only choice that keeps the promise.
            case sameKey
            /// Every attempt carries a new random key: what an agent with its own retry loop does.
            /// A baseline for comparisons (`agent-retry demo`); never use it for payments.
            case newRandomKeyPerAttempt
        }

        /// Creates settings with the documented defaults.
        public init(policy: RetryPolicy = .standard, leaseDuration: Duration = .seconds(60), leaseWait: Duration = .seconds(5), owner: String? = nil) {
            self.policy = policy
            self.leaseDuration = leaseDuration
            self.leaseWait = leaseWait
            self.owner = owner ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        }
    }

    /// The transport every request goes through; safe requests (GETs) may use it directly.
    public let transport: any HTTPClientTransport
    let store: any IdempotencyStore
    let deriver: IdempotencyKeyDeriver
    /// The client's settings.
    public let configuration: Configuration
    /// The clock, sleep and randomness retries use.
    public let environment: any RetryEnvironment
    let logger: Logger
    let counters = ClientCounters()

    /// Creates a client.
    public init(
        transport: any HTTPClientTransport,
        store: any IdempotencyStore,
        secret: IdempotencyKeyDeriver.Secret,
        configuration: Configuration = Configuration(),
        environment: any RetryEnvironment = SystemRetryEnvironment(),
        logger: Logger? = nil
    ) {
        self.transport = transport
        self.store = store
        self.deriver = IdempotencyKeyDeriver(secret: secret)
        self.configuration = configuration
        self.environment = environment
        self.logger = logger ?? Logger(label: "agentretry.client", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// The secret kept in the store (made at random by whichever process asks first), so every
    /// process sharing the store derives the same keys.
    public static func storedSecret(in store: any IdempotencyStore) async throws(IdempotencyStoreError) -> IdempotencyKeyDeriver.Secret {
        let bytes = try await store.setting(named: "namespace_secret") { IdempotencyKeyDeriver.Secret.random().bytes }
        do {
            return try IdempotencyKeyDeriver.Secret(bytes: bytes)
        } catch {
            throw IdempotencyStoreError(code: .corruptRecord, message: "the stored namespace secret is too short")
        }
    }

    /// Sends `request` once for `intent`, whatever happens to this process or the network.
    /// - Parameters:
    ///   - request: The request; the client adds the PSP's idempotency header.
    ///   - intent: What the agent is trying to do once; its key is derived from it.
    ///   - profile: The PSP's header, key limits and retention. Defaults to Stripe's.
    ///   - reconcile: Asked, instead of failing with ``IdempotentCallError/Code-swift.struct/needsReconciliation``,
    ///     when the outcome is unknown and the PSP may have forgotten the key: it looks the result
    ///     up (for example a PaymentIntent by `metadata[task_id]`) and returns the response that
    ///     proves it, which is kept as the outcome, or `nil` when it found nothing. Nothing is sent.
    ///     It is also asked when a PSP that replays 5xx results (``PSPProfile/replaysServerErrors``)
    ///     replays one for this key. A lookup that throws leaves the call `pending`.
    ///   - anchor: Reads the task's anchor (an ACP `checkout_session_id`, a PaymentIntent id) from a
    ///     successful response; it is committed in the same write as the outcome and returned in
    ///     ``IdempotentResult/anchor`` by this and every later call of the intent.
    /// - Returns: `succeeded`, `failed` or `pending`, with the response and how it was obtained.
    /// - Throws: ``IdempotentCallError`` for conflicts, leases held elsewhere, reconciliation,
    ///   store failures.
    public func send(
        _ request: HTTPRequest,
        intent: IdempotencyIntent,
        profile: PSPProfile = .stripe,
        reconcile: (@Sendable (IdempotencyRecord) async throws -> HTTPResponse?)? = nil,
        anchor: (@Sendable (HTTPResponse) -> String?)? = nil
    ) async throws(IdempotentCallError) -> IdempotentResult {
        let (derivedKey, intentFingerprint) = try self.derive(intent, profile: profile)
        let fingerprint = Self.fingerprint(of: request)
        let now = self.environment.now()
        // The store resumes an unfinished record of this intent under its own key (an earlier time
        // bucket, or a key derived under another secret), else inserts one under the derived key.
        // An intent without a time bucket that already ended under another secret's key keeps that
        // outcome: it is answered from the store, never sent again.
        let (stored, leased) = try await self.storeCall(derivedKey) {
            try await self.store.insertAndLease(IdempotencyRecord(
                key: derivedKey, namespace: intent.namespace, operation: intent.operation, intentFingerprint: intentFingerprint,
                requestFingerprint: fingerprint, profile: profile.name, state: IdempotencyRecord.State.prepared, attempts: 0, createdAt: now,
                updatedAt: now, clientExpiresAt: now + profile.clientRetention.timeInterval, pspExpiresAt: now + profile.retention.timeInterval),
                owner: self.configuration.owner, leaseExpiresAt: now + self.configuration.leaseDuration.timeInterval, now: now,
                adoptingFinished: intent.timeBucket == nil)
        }
        var record = stored
        let key = record.key
        self.logger.debug("idempotent call", metadata: ["key": "\(key)", "operation": "\(intent.operation)", "state": "\(record.state)"])
        guard record.requestFingerprint == fingerprint else {
            self.counters.conflict("body_changed")
            throw IdempotentCallError(.bodyChanged, key: key, attempts: record.attempts,
                message: "this intent was first sent with another body; start a new generation of the intent to send a different request")
        }
        if record.state.isTerminal {
            self.counters.storeHits.increment()
            return Self.storedResult(record)
        }
        if record.state == .conflict {
            if leased { try? await self.store.releaseLease(key: key, owner: self.configuration.owner) }
            throw IdempotentCallError(.payloadMismatch, key: key, attempts: record.attempts,
                response: Self.storedResult(record).response,
                message: "the server said this key was used with another request; kept, not re-sent")
        }

        if !leased { record = try await self.lease(key, until: self.configuration.leaseWait) }
        let outcome: Result<IdempotentResult, IdempotentCallError>
        // Whether the last write gave the lease up already (every final write of the attempts does).
        var leaseGivenUp = false
        if record.state.isTerminal {
            self.counters.storeHits.increment()
            outcome = .success(Self.storedResult(record))
        } else if record.attempts > 0 && record.state != .prepared && self.environment.now() >= record.clientExpiresAt {
            outcome = await self.reconcile(record, with: reconcile, profile: profile, anchor: anchor,
                unknown: "the outcome is unknown and the \(profile.name) key retention has passed; nothing was sent")
        } else {
            do {
                outcome = .success(try await self.attempt(request, record: record, operation: intent.operation, profile: profile, anchor: anchor))
                leaseGivenUp = true
            } catch where error.code == .needsReconciliation && reconcile != nil {
                // A saved server error: look the outcome up now, under the lease still held.
                let current = (try? await self.store.record(for: key)) ?? record
                outcome = await self.reconcile(current, with: reconcile, profile: profile, anchor: anchor,
                    unknown: "the \(profile.name) key replays a saved server error and the lookup found nothing; not sent again")
            } catch {
                outcome = .failure(error)
                leaseGivenUp = error.code != .store && error.code != .needsReconciliation
            }
        }
        // Every other path gives the lease up here (owner-checked, so harmless if it is gone); the
        // attempts' final write already did, and a durable commit is worth saving.
        if !leaseGivenUp { try? await self.store.releaseLease(key: key, owner: self.configuration.owner) }
        switch outcome {
        case .success(let result):
            self.logger.info("idempotent call ended", metadata: [
                "key": "\(key)", "status": "\(result.status.rawValue)", "attempts": "\(result.attempts)",
                "replayed": "\(result.replayed)", "from_store": "\(result.fromStore)",
            ])
        case .failure(let error):
            self.logger.info("idempotent call ended with an error", metadata: ["key": "\(key)", "error": "\(error.code)", "attempts": "\(error.attempts)"])
        }
        return try outcome.get()
    }

    /// Settles a record whose outcome is unknown past the PSP's retention: through the caller's
    /// lookup when there is one, never by sending.
    private func reconcile(
        _ record: IdempotencyRecord,
        with lookup: (@Sendable (IdempotencyRecord) async throws -> HTTPResponse?)?,
        profile: PSPProfile,
        anchor: (@Sendable (HTTPResponse) -> String?)?,
        unknown: String
    ) async -> Result<IdempotentResult, IdempotentCallError> {
        let unresolved = IdempotentCallError(.needsReconciliation, key: record.key, attempts: record.attempts, message: unknown)
        guard let lookup else { return .failure(unresolved) }
        let found: HTTPResponse?
        do {
            found = try await lookup(record)
        } catch {
            // The lookup itself failed (the PSP unreachable, say): still unknown, and the next
            // invocation looks again. Nothing was sent.
            self.logger.info("reconciliation lookup failed", metadata: ["key": "\(record.key)", "error": "\(error)"])
            return .success(IdempotentResult(status: .pending, response: nil, key: record.key, attempts: record.attempts,
                replayed: false, fromStore: false))
        }
        guard let response = found else { return .failure(unresolved) }
        var settled = record
        settled.state = (200..<300).contains(response.status) ? .succeeded : .failed
        if settled.state == .succeeded, let anchor { settled.anchor = anchor(response) ?? settled.anchor }
        settled.updatedAt = self.environment.now()
        settled.leaseExpiresAt = settled.updatedAt + self.configuration.leaseDuration.timeInterval
        settled.outcome = .init(status: response.status, headers: [:], body: response.body)
        do {
            try await self.store.update(settled, owner: self.configuration.owner)
        } catch {
            return .failure(IdempotentCallError(.store, key: record.key, attempts: record.attempts, message: "\(error)", underlying: error))
        }
        return .success(IdempotentResult(status: settled.state == .succeeded ? .succeeded : .failed, response: response,
            key: record.key, attempts: record.attempts, replayed: false, fromStore: false, anchor: settled.anchor))
    }

    /// The intent's record, if the store has one; nothing is sent and no lease is taken: under the
    /// key derived now, else, for an intent without a time bucket, the newest record of the same
    /// intent identity (kept under a key derived from another secret). Tasks use it to find how far
    /// an earlier invocation got (its generations, its anchor).
    public func storedRecord(for intent: IdempotencyIntent, profile: PSPProfile = .stripe) async throws(IdempotentCallError) -> IdempotencyRecord? {
        let (key, intentFingerprint) = try self.derive(intent, profile: profile)
        if let record = try await self.storeCall(key, { try await self.store.record(for: key) }) { return record }
        guard intent.timeBucket == nil else { return nil }
        return try await self.storeCall(key) { try await self.store.latestRecord(intentFingerprint: intentFingerprint) }
    }

    /// The intent's key under this client's secret, and its identity fingerprint.
    private func derive(_ intent: IdempotencyIntent, profile: PSPProfile) throws(IdempotentCallError) -> (IdempotencyKey, String) {
        do {
            let key = try self.deriver.key(for: intent, format: profile.keyFormat, maximumLength: profile.maximumKeyLength)
            let fingerprint = SHA256.hash(data: try intent.identityForm()).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
            return (key, fingerprint)
        } catch {
            throw IdempotentCallError(.keyDerivation, key: nil, message: "\(error)", underlying: error)
        }
    }

    /// Takes the intent's lease, waiting up to `wait` for another holder.
    private func lease(_ key: IdempotencyKey, until wait: Duration) async throws(IdempotentCallError) -> IdempotencyRecord {
        let started = self.environment.now()
        while true {
            let now = self.environment.now()
            let leased = try await self.storeCall(key) {
                try await self.store.acquireLease(key: key, owner: self.configuration.owner,
                    expiresAt: now + self.configuration.leaseDuration.timeInterval, now: now)
            }
            if let leased { return leased }
            if let current = try await self.storeCall(key, { try await self.store.record(for: key) }), current.state.isTerminal {
                return current
            }
            guard now.timeIntervalSince(started) < wait.timeInterval else {
                throw IdempotentCallError(.inProgressElsewhere, key: key, message: "another invocation holds this intent's lease")
            }
            do {
                try await self.environment.sleep(for: .milliseconds(50))
            } catch {
                throw IdempotentCallError(.inProgressElsewhere, key: key, message: "cancelled while waiting for another invocation's lease")
            }
        }
    }

    /// Runs a store operation, turning its failure into a typed call error.
    func storeCall<T>(_ key: IdempotencyKey, _ body: () async throws -> T) async throws(IdempotentCallError) -> T {
        do {
            return try await body()
        } catch {
            throw IdempotentCallError(.store, key: key, message: "\(error)", underlying: error)
        }
    }

    static func fingerprint(of request: HTTPRequest) -> RequestFingerprint {
        let body = request.body ?? []
        let contentType = request.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if contentType.contains("json"), let json = try? JSONValue(parsing: body), let fingerprint = try? RequestFingerprint.json(json) {
            return fingerprint
        }
        if contentType.isEmpty || contentType.contains("x-www-form-urlencoded") {
            return RequestFingerprint.form(String(decoding: body, as: UTF8.self))
        }
        return RequestFingerprint.bytes(body)
    }

    static func storedResult(_ record: IdempotencyRecord) -> IdempotentResult {
        let response = record.outcome.map { outcome in
            HTTPResponse(status: outcome.status, headers: HTTPHeaders(outcome.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                body: outcome.body, wireSends: 0)
        }
        return IdempotentResult(status: record.state == .succeeded ? .succeeded : .failed, response: response, key: record.key,
            attempts: record.attempts, replayed: false, fromStore: true, anchor: record.anchor)
    }
}

extension Duration {
    var timeInterval: TimeInterval { self.secondsValue }
}
