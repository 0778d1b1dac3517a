import Crypto
import Foundation

extension IdempotentClient {
    /// A client over the same store, secret, clock and logger with, optionally, another retry
    /// policy, another transport (a protocol binding over the sibling's) and another event hook:
    /// the same intents get the same keys.
    package convenience init(
        sibling: IdempotentClient,
        policy: RetryPolicy? = nil,
        transport: (any HTTPClientTransport)? = nil,
        onEvent: (@Sendable (ClientEvent) async -> Void)? = nil
    ) {
        var configuration = sibling.configuration
        if let policy { configuration.policy = policy }
        if let onEvent { configuration.onEvent = onEvent }
        self.init(
            transport: transport ?? sibling.transport,
            store: sibling.store,
            secret: sibling.deriver.secret,
            configuration: configuration,
            environment: sibling.environment,
            logger: sibling.logger
        )
    }

    /// Keeps `value` as the newest note of `intent` (whose time bucket is ignored): a finished
    /// record with no request, keyed on the intent with the value and the time as its bucket, so
    /// the newest note wins in ``latestNote(_:profile:)``. Nothing is sent.
    package func writeNote(
        _ value: String,
        for intent: IdempotencyIntent,
        profile: PSPProfile = .stripe
    ) async throws(IdempotentCallError) {
        let now = self.environment.now()
        var noted = intent
        noted.timeBucket = ["value": .string(value), "noted_at": .number(now.timeIntervalSince1970.rounded())]
        let (key, fingerprint) = try self.derive(noted, profile: profile)
        let body = JSONValue.object(["value": .string(value)]).serialized()
        let record = IdempotencyRecord(
            key: key,
            namespace: intent.namespace,
            operation: intent.operation,
            intentFingerprint: fingerprint,
            requestFingerprint: .bytes(body),
            profile: profile.name,
            state: .succeeded,
            attempts: 0,
            createdAt: now,
            updatedAt: now,
            clientExpiresAt: now + 365 * 24 * 3600,
            pspExpiresAt: now + 365 * 24 * 3600,
            outcome: IdempotencyRecord.Outcome(status: 200, headers: [:], body: body),
            anchor: value
        )
        _ = try await self.storeCall(key) { try await self.store.insertIfAbsent(record) }
    }

    /// The value of the newest note of `intent` (see ``writeNote(_:for:profile:)``), if any.
    package func latestNote(
        _ intent: IdempotencyIntent,
        profile: PSPProfile = .stripe
    ) async throws(IdempotentCallError) -> String? {
        var identity = intent
        identity.timeBucket = nil
        let (key, fingerprint) = try self.derive(identity, profile: profile)
        let record = try await self.storeCall(key) { try await self.store.latestRecord(intentFingerprint: fingerprint) }
        guard let record, record.state == .succeeded else { return nil }
        return record.anchor
    }
}
