import CoreMetrics
import Crypto
import Foundation
import Logging

/// Makes payment calls safe to retry: a deterministic key per intent, persisted before the first
/// byte is sent, retries that never re-send a 409 or 422, and outcomes that survive a crash.
///
/// One call, end to end:
/// 1. The intent's record is looked up; a kept terminal outcome is returned with no request.
/// 2. The intent's lease is taken atomically; another holder is waited for a bounded time, unless
///    the store proves it dead (its process gone, its database session ended).
/// 3. The record, with its key, is persisted before the first byte is sent.
/// 4. The request is sent with the PSP's header, retried per ``RetryPolicy``, each attempt persisted.
/// 5. The outcome is persisted and the lease released.
public final class IdempotentClient: Sendable {
    /// Settings of a client.
    public struct Configuration: Sendable {
        /// When and how to retry. Defaults to ``RetryPolicy/standard``.
        public var policy: RetryPolicy
        /// How long a lease holds before another invocation may take over, when that one cannot prove
        /// the holder dead (``LeaseHolder``); renewed before every send, so it must exceed one
        /// attempt's total timeout. Defaults to 60 s.
        public var leaseDuration: Duration
        /// How long to wait for another holder of the intent's lease. Defaults to 5 s.
        public var leaseWait: Duration
        /// This invocation's name in leases. Defaults to host, process id and a random suffix.
        public var owner: String
        /// Called at each step of a call, for progress reports and fault-injection tests. Defaults
        /// to nothing.
        public var onEvent: (@Sendable (ClientEvent) async -> Void)?
        /// Creates settings with the documented defaults.
        public init(
            policy: RetryPolicy = .standard,
            leaseDuration: Duration = .seconds(60),
            leaseWait: Duration = .seconds(5),
            owner: String? = nil
        ) {
            self.policy = policy
            self.leaseDuration = leaseDuration
            self.leaseWait = leaseWait
            self.owner =
                owner
                ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-"
                + "\(UUID().uuidString.prefix(8))"
        }
    }

    /// The transport every request goes through; safe requests (GETs) may use it directly.
    public let transport: any HTTPClientTransport
    /// The store its records are kept in.
    package let store: any IdempotencyStore
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
    public static func storedSecret(
        in store: any IdempotencyStore
    ) async throws(IdempotencyStoreError) -> IdempotencyKeyDeriver.Secret {
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
    /// - Throws: ``IdempotentCallError`` for a request that cannot be sent (nothing is stored),
    ///   conflicts (another body, target or credentials than the intent's first request), leases
    ///   held elsewhere, reconciliation, store failures.
    public func send(
        _ request: HTTPRequest,
        intent: IdempotencyIntent,
        profile: PSPProfile = .stripe,
        reconcile: Lookup? = nil,
        anchor: (@Sendable (HTTPResponse) -> String?)? = nil
    ) async throws(IdempotentCallError) -> IdempotentResult {
        // A request that cannot be sent is refused before anything is stored: no record is left.
        let target = try Self.checkedTarget(of: request)
        let (derivedKey, intentFingerprint) = try self.derive(intent, profile: profile)
        let fingerprint = self.fingerprint(of: request, target: target, profile: profile)
        let now = self.environment.now()
        // The store resumes an unfinished record of this intent under its own key (an earlier time
        // bucket, or a key derived under another secret), else inserts one under the derived key.
        // An intent without a time bucket that already ended under another secret's key keeps that
        // outcome: it is answered from the store, never sent again.
        let first = IdempotencyRecord(
            key: derivedKey,
            namespace: intent.namespace,
            operation: intent.operation,
            intentFingerprint: intentFingerprint,
            requestFingerprint: fingerprint,
            profile: profile.name,
            state: .prepared,
            attempts: 0,
            createdAt: now,
            updatedAt: now,
            clientExpiresAt: now + profile.clientRetention.timeInterval,
            pspExpiresAt: now + profile.retention.timeInterval
        )
        let (stored, leased) = try await self.storeCall(derivedKey) {
            try await self.store.insertAndLease(
                first,
                owner: self.configuration.owner,
                leaseExpiresAt: now + self.configuration.leaseDuration.timeInterval,
                now: now,
                adoptingFinished: intent.timeBucket == nil
            )
        }
        self.logger.debug(
            "idempotent call",
            metadata: [
                "key": "\(stored.key)", "operation": "\(intent.operation)", "state": "\(stored.state)",
            ]
        )
        let settings = RetryDecider.Settings(
            policy: self.configuration.policy,
            profile: profile,
            leaseDuration: self.configuration.leaseDuration,
            canLookUp: reconcile != nil,
            anchor: anchor
        )
        let decider = RetryDecider(
            record: stored,
            requestFingerprint: fingerprint,
            settings: settings,
            derivedKey: derivedKey
        )
        return try await self.perform(
            request,
            decider: decider,
            leased: leased,
            operation: intent.operation,
            lookup: reconcile
        )
    }

    /// The intent's record, if the store has one; nothing is sent and no lease is taken: under the
    /// key derived now, else, for an intent without a time bucket, the newest record of the same
    /// intent identity (kept under a key derived from another secret). Tasks use it to find how far
    /// an earlier invocation got (its generations, its anchor).
    public func storedRecord(
        for intent: IdempotencyIntent,
        profile: PSPProfile = .stripe
    ) async throws(IdempotentCallError) -> IdempotencyRecord? {
        let (key, intentFingerprint) = try self.derive(intent, profile: profile)
        if let record = try await self.storeCall(key, { try await self.store.record(for: key) }) { return record }
        guard intent.timeBucket == nil else { return nil }
        return try await self.storeCall(key) { try await self.store.latestRecord(intentFingerprint: intentFingerprint) }
    }

    /// The intent's key under this client's secret, and its identity fingerprint.
    func derive(
        _ intent: IdempotencyIntent,
        profile: PSPProfile
    ) throws(IdempotentCallError) -> (IdempotencyKey, String) {
        do {
            let key = try self.deriver.key(
                for: intent,
                format: profile.keyFormat,
                maximumLength: profile.maximumKeyLength
            )
            return (key, try intent.identityFingerprint())
        } catch {
            throw IdempotentCallError(.keyDerivation, key: nil, message: "\(error)", underlying: error)
        }
    }

    /// Takes the intent's lease, waiting up to `wait` for another holder.
    func lease(_ key: IdempotencyKey, until wait: Duration) async throws(IdempotentCallError) -> IdempotencyRecord {
        let started = self.environment.now()
        while true {
            let now = self.environment.now()
            let leased = try await self.storeCall(key) {
                try await self.store.acquireLease(
                    key: key,
                    owner: self.configuration.owner,
                    expiresAt: now + self.configuration.leaseDuration.timeInterval,
                    now: now
                )
            }
            if let leased { return leased }
            if let current = try await self.storeCall(key, { try await self.store.record(for: key) }),
                current.state.isTerminal
            {
                return current
            }
            guard now.timeIntervalSince(started) < wait.timeInterval else {
                throw IdempotentCallError(
                    .inProgressElsewhere,
                    key: key,
                    message: "another invocation holds this intent's lease"
                )
            }
            do {
                try await self.environment.sleep(for: .milliseconds(50))
            } catch {
                throw IdempotentCallError(
                    .inProgressElsewhere,
                    key: key,
                    message: "cancelled while waiting for another invocation's lease"
                )
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

    /// The request's target, or ``IdempotentCallError/Code-swift.struct/invalidRequest`` when the
    /// transport would refuse it (``HTTPRequest`` validation: the URL, the method, the headers).
    static func checkedTarget(of request: HTTPRequest) throws(IdempotentCallError) -> RequestTarget {
        if let problem = request.validationProblem() {
            throw IdempotentCallError(.invalidRequest, key: nil, message: "refused before sending: \(problem.message)")
        }
        do {
            return try RequestTarget(url: request.url)
        } catch {
            throw IdempotentCallError(.invalidRequest, key: nil, message: "refused before sending: \(error.message)")
        }
    }
}

extension Duration {
    var timeInterval: TimeInterval { self.secondsValue }
}
