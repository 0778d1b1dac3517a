import Foundation

extension IdempotentClient {
    /// Takes the lease of `intent`'s lock: a record that is never sent and never finished, so that
    /// every invocation sharing the store contends for the same lease whatever its secret (the
    /// store finds an unfinished record by its intent identity). Waits up to the configured lease
    /// wait for another holder; a holder that died loses the lease at once when the store can prove
    /// it dead (``LeaseHolder``), else when it expires. Nothing is sent.
    /// - Returns: The lock's key, for ``renewLock(_:)`` and ``releaseLock(_:)``.
    /// - Throws: `inProgressElsewhere` when another invocation holds it; `store` when the store fails.
    package func acquireLock(
        _ intent: IdempotencyIntent,
        profile: PSPProfile
    ) async throws(IdempotentCallError) -> IdempotencyKey {
        let (derivedKey, fingerprint) = try self.derive(intent, profile: profile)
        let now = self.environment.now()
        let lock = IdempotencyRecord(
            key: derivedKey,
            namespace: intent.namespace,
            operation: intent.operation,
            intentFingerprint: fingerprint,
            requestFingerprint: .bytes([]),
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
                lock,
                owner: self.configuration.owner,
                leaseExpiresAt: now + self.configuration.leaseDuration.timeInterval,
                now: now,
                adoptingFinished: false
            )
        }
        if leased { return stored.key }
        _ = try await self.lease(stored.key, until: self.configuration.leaseWait)
        return stored.key
    }

    /// Extends this invocation's lease of the lock `key` by the lease duration.
    /// - Throws: `inProgressElsewhere` when another invocation took it over (this one's lease expired).
    package func renewLock(_ key: IdempotencyKey) async throws(IdempotentCallError) {
        let now = self.environment.now()
        let renewed = try await self.storeCall(key) {
            try await self.store.acquireLease(
                key: key,
                owner: self.configuration.owner,
                expiresAt: now + self.configuration.leaseDuration.timeInterval,
                now: now
            )
        }
        guard renewed != nil else {
            throw IdempotentCallError(.inProgressElsewhere, key: key, message: "another invocation took over the lock")
        }
    }

    /// Gives the lock `key` up, if this invocation holds it; a failure is left to the lease's expiry.
    package func releaseLock(_ key: IdempotencyKey) async {
        try? await self.store.releaseLease(key: key, owner: self.configuration.owner)
    }
}
