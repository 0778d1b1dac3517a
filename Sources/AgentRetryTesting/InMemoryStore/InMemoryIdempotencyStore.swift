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
/// ``records``. Every instance made with ``init()`` is a store of its own; share one instance to
/// share records.
///
/// Each instance is also a session, as a process's connection to a database is: its leases record
/// it (`LeaseHolder.session`). ``openSession()`` opens another session on the same records, as
/// another process would, and ``endSession()`` ends one as a crash would: the leases it holds are
/// then provably dead, and others take them over at once instead of waiting for them to expire.
///
/// ```swift
/// let store = InMemoryIdempotencyStore()
/// let client = IdempotentClient(transport: transport, store: store,
///     secret: try await IdempotentClient.storedSecret(in: store))
/// _ = try await client.send(request, intent: intent)
/// #expect(store.records.map(\.state) == [.succeeded])
/// ```
public final class InMemoryIdempotencyStore: IdempotencyStore {
    struct Contents {
        var records: [IdempotencyKey: IdempotencyRecord] = [:]
        var settings: [String: [UInt8]] = [:]
        var sessions = 1
        var endedSessions: Set<Int> = []
        var inbox = InMemoryWebhookInbox()
    }

    /// The records and settings, shared by the sessions of one store.
    final class Shared: Sendable {
        let contents = Mutex(Contents())
    }

    let shared: Shared
    /// This instance's session.
    private let session: Int

    /// An empty store.
    public init() {
        self.shared = Shared()
        self.session = 1
    }

    private init(sharing shared: Shared) {
        self.shared = shared
        self.session = shared.contents.withLock { contents in
            contents.sessions += 1
            return contents.sessions
        }
    }

    /// Another session on the same records and settings, as another process would open the store:
    /// its leases are its own, and ``endSession()`` ends it alone.
    public func openSession() -> InMemoryIdempotencyStore {
        InMemoryIdempotencyStore(sharing: self.shared)
    }

    /// Ends this session as a crash of its process would: every lease it holds is provably dead
    /// at once (other sessions take it over before it expires), and every call made on it from now
    /// on fails with `unavailable`.
    public func endSession() {
        self.shared.contents.withLock { _ = $0.endedSessions.insert(self.session) }
    }

    /// Every record the store holds, by key.
    public var records: [IdempotencyRecord] {
        self.shared.contents.withLock { $0.records.values.sorted { $0.key.rawValue < $1.key.rawValue } }
    }

    public func record(for key: IdempotencyKey) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try self.withContents { $0.records[key] }
    }

    public func latestRecord(intentFingerprint: String) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try self.withContents { $0.records.values.latest(identity: intentFingerprint) }
    }

    public func insertIfAbsent(_ record: IdempotencyRecord) async throws(IdempotencyStoreError) -> IdempotencyRecord {
        try self.withContents { contents in
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
        try self.withContents { contents -> (record: IdempotencyRecord, leased: Bool) in
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
                && found.leaseIsAvailable(to: owner, at: now, endedSessions: contents.endedSessions)
            if leasable {
                found.leaseOwner = owner
                found.leaseExpiresAt = leaseExpiresAt
                found.leaseHolder = self.holder(owner)
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
        try self.withContents { contents -> IdempotencyRecord? in
            guard var record = contents.records[key],
                record.leaseIsAvailable(to: owner, at: now, endedSessions: contents.endedSessions)
            else { return nil }
            record.leaseOwner = owner
            record.leaseExpiresAt = expiresAt
            record.leaseHolder = self.holder(owner)
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
        try self.withContents { contents in
            guard var record = contents.records[key], record.leaseOwner == owner else { return }
            record.leaseOwner = nil
            record.leaseExpiresAt = nil
            record.leaseHolder = nil
            contents.records[key] = record
        }
    }

    public func removeFinishedRecords(
        expiredBefore cutoff: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> Int {
        try self.withContents { contents in
            let doomed = contents.records.values.filter { $0.isRemovable(expiredBefore: cutoff, at: now) }
            for record in doomed { contents.records[record.key] = nil }
            return doomed.count
        }
    }

    public func setting(
        named name: String,
        orInsert makeValue: @escaping @Sendable () -> [UInt8]
    ) async throws(IdempotencyStoreError) -> [UInt8] {
        if let value = try self.withContents({ $0.settings[name] }) { return value }
        // Made outside the lock; the first value stored wins.
        let made = makeValue()
        return try self.withContents { contents in
            if let value = contents.settings[name] { return value }
            contents.settings[name] = made
            return made
        }
    }

    /// This session as the holder of `owner`'s lease.
    private func holder(_ owner: String) -> LeaseHolder {
        LeaseHolder(owner: owner, session: self.session)
    }

    /// Runs `body` under the lock, unless this session has ended.
    func withContents<T: Sendable>(_ body: (inout Contents) -> T) throws(IdempotencyStoreError) -> T {
        let result = self.shared.contents.withLock { contents -> T? in
            contents.endedSessions.contains(self.session) ? nil : body(&contents)
        }
        guard let result else {
            throw IdempotencyStoreError(code: .unavailable, message: "this in-memory store's session has ended")
        }
        return result
    }

    /// The write of a record's mutable fields under `owner`'s lease, which must be live at the
    /// record's `updatedAt`; renews the lease to the record's `leaseExpiresAt`, or gives it up.
    private func write(_ record: IdempotencyRecord, owner: String, releasingLease: Bool) throws(IdempotencyStoreError) {
        let written = try self.withContents { contents -> Bool in
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
            stored.leaseHolder = releasingLease ? nil : self.holder(owner)
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
