import AgentRetry
import Foundation
import Synchronization

/// An `IdempotencyStore` in memory: the semantics of the SQLite and PostgreSQL stores
/// (the first write's look-ups and adoption under another key, leases by compare-and-set, writes
/// guarded by a live lease, removal of expired records, settings created once), without a disk or a
/// socket. It passes the same ``IdempotencyStoreConformance`` suite.
///
/// Nothing survives the process, so it is for tests, not for payments: a test of code that uses
/// `IdempotentClient` runs it against this store and reads what the client left in
/// ``records``. Every instance is a store of its own; share one instance to share records.
///
/// ```swift
/// let store = InMemoryIdempotencyStore()
/// let client = IdempotentClient(transport: transport, store: store,
///     secret: try await IdempotentClient.storedSecret(in: store))
/// _ = try await client.send(request, intent: intent)
/// #expect(store.records.map(\.state) == [.succeeded])
/// ```
public final class InMemoryIdempotencyStore: IdempotencyStore {
    private struct Contents {
        var records: [IdempotencyKey: IdempotencyRecord] = [:]
        var settings: [String: [UInt8]] = [:]
    }

    private let contents = Mutex(Contents())

    /// An empty store.
    public init() {}

    /// Every record the store holds, by key.
    public var records: [IdempotencyRecord] {
        self.contents.withLock { $0.records.values.sorted { $0.key.rawValue < $1.key.rawValue } }
    }

    public func record(for key: IdempotencyKey) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        self.contents.withLock { $0.records[key] }
    }

    public func latestRecord(intentFingerprint: String) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        self.contents.withLock { $0.records.values.latest(identity: intentFingerprint) }
    }

    public func insertIfAbsent(_ record: IdempotencyRecord) async throws(IdempotencyStoreError) -> IdempotencyRecord {
        self.contents.withLock { contents in
            if let existing = contents.records[record.key] { return existing }
            contents.records[record.key] = record
            return record
        }
    }

    public func insertAndLease(
        _ record: IdempotencyRecord,
        owner: String,
        leaseExpiresAt: Date,
        now: Date,
        adoptingFinished: Bool
    ) async throws(IdempotencyStoreError) -> (record: IdempotencyRecord, leased: Bool) {
        self.contents.withLock { contents -> (record: IdempotencyRecord, leased: Bool) in
            // IdempotencyStore.insertAndLease's algorithm, under the one lock.
            let others = contents.records.values.filter { $0.key != record.key }
            if adoptingFinished, contents.records[record.key] == nil,
                let finished = others.latest(identity: record.intentFingerprint, in: IdempotencyRecord.State.finished)
            {
                return (finished, false)
            }
            let unfinished = others.latest(identity: record.intentFingerprint, in: IdempotencyRecord.State.unfinished)
            let key = unfinished?.key ?? record.key
            if unfinished == nil, contents.records[key] == nil {
                contents.records[key] = record
            }
            guard var found = contents.records[key] else { preconditionFailure("the record was found or inserted") }
            let leasable =
                !found.state.isTerminal && found.requestFingerprint == record.requestFingerprint
                && found.leaseIsAvailable(to: owner, at: now)
            if leasable {
                found.leaseOwner = owner
                found.leaseExpiresAt = leaseExpiresAt
                contents.records[key] = found
            }
            return (found, leasable)
        }
    }

    public func acquireLease(
        key: IdempotencyKey,
        owner: String,
        expiresAt: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        self.contents.withLock { contents -> IdempotencyRecord? in
            guard var record = contents.records[key], record.leaseIsAvailable(to: owner, at: now) else { return nil }
            record.leaseOwner = owner
            record.leaseExpiresAt = expiresAt
            contents.records[key] = record
            return record
        }
    }

    public func update(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        try self.write(record, owner: owner, releasingLease: false)
    }

    public func finish(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        try self.write(record, owner: owner, releasingLease: true)
    }

    public func releaseLease(key: IdempotencyKey, owner: String) async throws(IdempotencyStoreError) {
        self.contents.withLock { contents in
            guard var record = contents.records[key], record.leaseOwner == owner else { return }
            record.leaseOwner = nil
            record.leaseExpiresAt = nil
            contents.records[key] = record
        }
    }

    public func removeFinishedRecords(
        expiredBefore cutoff: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> Int {
        self.contents.withLock { contents in
            let doomed = contents.records.values.filter { $0.isRemovable(expiredBefore: cutoff, at: now) }
            for record in doomed { contents.records[record.key] = nil }
            return doomed.count
        }
    }

    public func setting(
        named name: String,
        orInsert makeValue: @escaping @Sendable () -> [UInt8]
    ) async throws(IdempotencyStoreError) -> [UInt8] {
        if let value = self.contents.withLock({ $0.settings[name] }) { return value }
        // Made outside the lock; the first value stored wins.
        let made = makeValue()
        return self.contents.withLock { contents in
            if let value = contents.settings[name] { return value }
            contents.settings[name] = made
            return made
        }
    }

    /// The write of a record's mutable fields under `owner`'s lease, which must be live at the
    /// record's `updatedAt`; renews the lease to the record's `leaseExpiresAt`, or gives it up.
    private func write(_ record: IdempotencyRecord, owner: String, releasingLease: Bool) throws(IdempotencyStoreError) {
        let written = self.contents.withLock { contents -> Bool in
            guard var stored = contents.records[record.key], stored.leaseOwner == owner,
                let expiry = stored.leaseExpiresAt, expiry > record.updatedAt
            else { return false }
            stored.state = record.state
            stored.attempts = record.attempts
            stored.updatedAt = record.updatedAt
            stored.outcome = record.outcome
            stored.anchor = record.anchor
            stored.requestFingerprint = record.requestFingerprint
            stored.leaseOwner = releasingLease ? nil : owner
            stored.leaseExpiresAt = releasingLease ? nil : record.leaseExpiresAt ?? record.updatedAt
            contents.records[record.key] = stored
            return true
        }
        guard written else {
            throw IdempotencyStoreError(
                code: .leaseLost,
                message: "the lease on \(record.key) is no longer held by this caller"
            )
        }
    }
}
