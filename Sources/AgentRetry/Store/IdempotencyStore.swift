import Foundation

/// Durable memory of intents, shared by every process that uses the same store.
///
/// Every method commits before it returns: a record the client has been told is written is on
/// disk (or in the database) before the first byte of its request is sent. Implementations keep
/// their storage details to themselves; the SQLite store is the embedded default.
public protocol IdempotencyStore: Sendable {
    /// The record with this key, if any.
    func record(for key: IdempotencyKey) async throws(IdempotencyStoreError) -> IdempotencyRecord?

    /// The newest record of an intent identity (``IdempotencyRecord/intentFingerprint``), whatever
    /// its key and state: finds an intent's record kept under a key derived from another secret.
    func latestRecord(intentFingerprint: String) async throws(IdempotencyStoreError) -> IdempotencyRecord?

    /// Inserts the record unless one with its key exists, atomically; returns the stored record
    /// (the new one, or the one already there).
    func insertIfAbsent(_ record: IdempotencyRecord) async throws(IdempotencyStoreError) -> IdempotencyRecord

    /// The first write of a call, in one commit: finds the intent's record and takes its lease.
    ///
    /// If an unfinished record (`prepared`, `inFlight`, `pending`) of the same intent identity
    /// (``IdempotencyRecord/intentFingerprint``) exists under another key (an earlier time bucket,
    /// another secret), that record is the intent's record; otherwise `record` is inserted unless
    /// its key exists. The lease is taken for `owner` if the found record is unfinished, has the same
    /// request fingerprint, and its lease is free, expired at `now`, `owner`'s, or held by a holder
    /// the store can prove dead (``LeaseHolder``). Returns the found record and whether the lease
    /// was taken. A lease taken records the store's own holder.
    ///
    /// With `adoptingFinished` (an intent without a time bucket), a finished record (`succeeded`,
    /// `failed`, `conflict`) of the same identity under another key is the intent's record too,
    /// when no record has the derived key: it is returned, unleased, and nothing is inserted.
    ///
    /// This comment and the conformance suite (`IdempotencyStoreConformance` in `AgentRetryTesting`)
    /// are the algorithm's specification. The SQLite store runs it in one write transaction, the
    /// in-memory store under its lock, and the PostgreSQL store as a server-side function built
    /// from the same statements as SQLite's.
    func insertAndLease(
        _ record: IdempotencyRecord,
        owner: String,
        leaseExpiresAt: Date,
        now: Date,
        adoptingFinished: Bool
    ) async throws(IdempotencyStoreError) -> (record: IdempotencyRecord, leased: Bool)

    /// Takes the record's lease for `owner` until `expiresAt`, if it is free, expired at `now`,
    /// already `owner`'s, or held by a holder the store can prove dead: compare-and-set. Returns the
    /// leased record, or `nil` when another owner holds a live lease.
    func acquireLease(
        key: IdempotencyKey,
        owner: String,
        expiresAt: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> IdempotencyRecord?

    /// Writes the record's state, attempts, outcome and anchor, if `owner` still holds a live lease
    /// at the record's `updatedAt`, and renews the lease to the record's `leaseExpiresAt`; otherwise
    /// throws ``IdempotencyStoreError/Code-swift.struct/leaseLost``.
    func update(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError)

    /// Writes the record like ``update(_:owner:)`` and gives the lease up, in one commit: the last
    /// write of a call.
    func finish(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError)

    /// Gives the lease up, if `owner` holds it.
    func releaseLease(key: IdempotencyKey, owner: String) async throws(IdempotencyStoreError)

    /// Deletes finished records (`succeeded`, `failed`, `conflict`) whose PSP retention
    /// (``IdempotencyRecord/pspExpiresAt``) ended before `cutoff` and that no live lease holds at
    /// `now`; returns how many went. Unfinished records (`prepared`, `inFlight`, `pending`) are never
    /// removed: their outcome is unknown and they are what reconciliation starts from. Rows written in
    /// a newer record format are left alone.
    ///
    /// A removed intent that is invoked again derives the same key and is sent again, and the PSP
    /// has forgotten that key by then: choose `cutoff` well before the oldest task any agent may
    /// still re-run (e.g. 30 days before now).
    func removeFinishedRecords(expiredBefore cutoff: Date, now: Date) async throws(IdempotencyStoreError) -> Int

    /// Up to `limit` unfinished records (`prepared`, `inFlight`, `pending`) whose key sorts after
    /// `after` (from the first, without it), in key order, compared as bytes: one page of the
    /// records whose outcome reconciliation must find. Page on with the last key returned; a page
    /// shorter than `limit` is the last. Leases are not taken, and rows written in a newer record
    /// format are left out.
    func unfinishedRecords(
        after: IdempotencyKey?,
        limit: Int
    ) async throws(IdempotencyStoreError)
        -> [IdempotencyRecord]

    /// A value the store keeps for its users, such as the namespace secret; created once with
    /// `makeValue` by whichever process asks first.
    func setting(
        named name: String,
        orInsert makeValue: @escaping @Sendable () -> [UInt8]
    ) async throws(IdempotencyStoreError) -> [UInt8]
}

/// A store that could not do what was asked. Nothing is lost: a failed write leaves the previous
/// record as it was.
public struct IdempotencyStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable {
            case unavailable, corruptRecord, leaseLost, unsupportedSchema, invalidConfiguration, notAStore
        }
        let base: Base
        /// The store cannot be opened, read or written (file, permissions, database down).
        public static let unavailable = Code(base: .unavailable)
        /// A stored row cannot be read back as a record.
        public static let corruptRecord = Code(base: .corruptRecord)
        /// Another owner took the lease; the write was not made.
        public static let leaseLost = Code(base: .leaseLost)
        /// The store's schema, or a row's record format, is newer than this code knows.
        public static let unsupportedSchema = Code(base: .unsupportedSchema)
        /// The store's location or settings cannot be used (a malformed connection string, say).
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// The location holds something other than an AgentRetry store (another program's database,
        /// a file that is no database); it was left as it was.
        public static let notAStore = Code(base: .notAStore)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What went wrong.
    public let code: Code
    /// Details, never a secret.
    public let message: String
    /// The underlying error, if any.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The code and the details.
    public var description: String { "IdempotencyStoreError.\(self.code): \(self.message)" }
}
