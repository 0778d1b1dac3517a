import Foundation
import GRDB

/// The embedded store: one SQLite file through GRDB, in WAL mode with `synchronous=FULL`, so a
/// committed write survives a crash of the process or the machine.
///
/// Several processes can share the file: SQLite's locks serialize writers, and every decision that
/// must not be taken twice (inserting a record, taking a lease, writing under a lease) is one
/// compare-and-set statement inside one transaction.
///
/// A lease records its holder's process (host, boot id, pid namespace, pid, start time). Another
/// invocation on the same machine takes a live lease over at once when that process is provably
/// gone (no process has its pid, a zombie has it, a later process has it, or the machine has booted
/// since); a holder on another host or in another pid namespace, or one whose liveness cannot be
/// read, is waited for until its lease expires.
public final class SQLiteIdempotencyStore: IdempotencyStore {
    private let database: DatabasePool
    /// The machine's process table: this process's identity for its leases, and the holders' liveness.
    let processes: any ProcessTable

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// A file that exists is first inspected without writing to it: one that holds another program's
    /// database, or no SQLite database at all, is refused with
    /// ``IdempotencyStoreError/Code-swift.struct/notAStore`` and left byte for byte as it was. An empty
    /// file, or none, becomes a new store.
    ///
    /// Opening is blocking file I/O. Processes that open a new store at the same moment contend
    /// for switching it to WAL, which SQLite reports as busy without waiting; opening is therefore
    /// tried again for up to 5 seconds before it fails.
    public convenience init(path: String) throws(IdempotencyStoreError) {
        try self.init(path: path, processes: SystemProcessTable.shared)
    }

    /// Opens the store at `path`, reading processes from `processes` (tests inject liveness).
    package init(path: String, processes: any ProcessTable) throws(IdempotencyStoreError) {
        try Self.inspect(path: path)
        self.processes = processes
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let deadline = Date().addingTimeInterval(5)
        var lastError: (any Error)?
        while true {
            do {
                let database = try DatabasePool(path: path, configuration: configuration)
                let migrator = Self.migrator
                if try database.read({ try migrator.hasBeenSuperseded($0) }) {
                    throw IdempotencyStoreError(
                        code: .unsupportedSchema,
                        message: "the store at \(path) was written by a newer AgentRetry"
                    )
                }
                try migrator.migrate(database)
                self.database = database
                return
            } catch let error as IdempotencyStoreError {
                throw error
            } catch {
                lastError = error
            }
            guard Date() < deadline else { break }
            usleep(UInt32.random(in: 10_000...50_000))
        }
        throw IdempotencyStoreError(
            code: .unavailable,
            message: "cannot open the SQLite store at \(path)",
            underlying: lastError
        )
    }

    public func record(for key: IdempotencyKey) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.run("read a record", reading: true) { db in
            try Self.fetchRecord(Self.schema.selectRecord(key: "\(key.rawValue)"), in: db)
        }
    }

    public func latestRecord(intentFingerprint: String) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.run("read an intent's records", reading: true) { db in
            try Self.fetchRecord(Self.schema.selectLatestRecord(identity: "\(intentFingerprint)"), in: db)
        }
    }

    public func insertIfAbsent(_ record: IdempotencyRecord) async throws(IdempotencyStoreError) -> IdempotencyRecord {
        try await self.run("insert a record") { db -> IdempotencyRecord in
            try Self.execute(Self.schema.insertRecord(record), in: db)
            return try Self.stored(record.key.rawValue, in: db)
        }
    }

    public func insertAndLease(
        _ record: IdempotencyRecord,
        owner: String,
        leaseExpiresAt: Date,
        now: Date,
        adoptingFinished: Bool
    ) async throws(IdempotencyStoreError) -> (record: IdempotencyRecord, leased: Bool) {
        try await self.run("insert and lease a record") { db -> (record: IdempotencyRecord, leased: Bool) in
            // The algorithm of IdempotencyStore.insertAndLease, in one write transaction (SQLite's
            // lock serializes writers, so the look-ups and the insert are one step).
            let schema = Self.schema
            let key: StoreStatement = "\(record.key.rawValue)"
            let identity: StoreStatement = "\(record.intentFingerprint)"
            let (finished, unfinished) = (IdempotencyRecord.State.finished, IdempotencyRecord.State.unfinished)
            if adoptingFinished,
                try Self.fetchValue(Int.self, schema.selectRecord(key: key, columns: "1"), in: db) == nil,
                let adopted = try Self.fetchRecord(
                    schema.selectLatestRecord(identity: identity, otherThan: key, in: finished),
                    in: db
                )
            {
                return (adopted, false)
            }
            let unfinishedKey = try Self.fetchValue(
                String.self,
                schema.selectLatestRecord(
                    identity: identity,
                    otherThan: key,
                    in: unfinished,
                    columns: "key"
                ),
                in: db
            )
            if unfinishedKey == nil {
                try Self.execute(schema.insertRecord(record), in: db)
            }
            let target = unfinishedKey ?? record.key.rawValue
            let leased = try self.takeLease(key: target, owner: owner, now: now, in: db) { holder, holderGone in
                schema.takeLease(
                    key: "\(target)",
                    owner: "\(owner)",
                    until: "\(leaseExpiresAt)",
                    now: "\(now)",
                    request: "\(record.requestFingerprint.rawValue)",
                    holder: holder,
                    holderGone: holderGone
                )
            }
            return (try Self.stored(target, in: db), leased)
        }
    }

    public func acquireLease(
        key: IdempotencyKey,
        owner: String,
        expiresAt: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.run("take a lease") { db -> IdempotencyRecord? in
            let taken = try self.takeLease(key: key.rawValue, owner: owner, now: now, in: db) { holder, holderGone in
                Self.schema.takeLease(
                    key: "\(key.rawValue)",
                    owner: "\(owner)",
                    until: "\(expiresAt)",
                    now: "\(now)",
                    holder: holder,
                    holderGone: holderGone
                )
            }
            guard taken else { return nil }
            return try Self.fetchRecord(Self.schema.selectRecord(key: "\(key.rawValue)"), in: db)
        }
    }

    public func update(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        try await self.write(record, owner: owner, releasingLease: false)
    }

    public func finish(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        try await self.write(record, owner: owner, releasingLease: true)
    }

    public func releaseLease(key: IdempotencyKey, owner: String) async throws(IdempotencyStoreError) {
        _ = try await self.run("release a lease") { db in
            try Self.execute(Self.schema.releaseLease(key: key, owner: owner), in: db)
        }
    }

    public func removeFinishedRecords(
        expiredBefore cutoff: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> Int {
        // In batches of ``removalBatch``, each its own transaction, so that a large backlog never
        // holds the write lock for long: other processes' writes go in between.
        let table = Self.schema.recordTable
        var removed = 0
        while true {
            let count = try await self.run("remove expired records") { db -> Int in
                let removable = StoreSchema.removable(expiredBefore: cutoff, now: now)
                let batch = "\(Self.removalBatch)"
                return try Self.execute(
                    """
                    DELETE FROM \(sql: table) WHERE key IN \
                    (SELECT key FROM \(sql: table) WHERE \(removable) LIMIT \(sql: batch))
                    """,
                    in: db
                )
            }
            removed += count
            if count < Self.removalBatch { return removed }
        }
    }

    /// Records removed per transaction by ``removeFinishedRecords(expiredBefore:now:)``.
    static let removalBatch = 1000

    public func setting(
        named name: String,
        orInsert makeValue: @escaping @Sendable () -> [UInt8]
    ) async throws(IdempotencyStoreError) -> [UInt8] {
        try await self.run("read a setting") { db -> [UInt8] in
            try Self.execute(Self.schema.insertSetting(named: name, value: makeValue()), in: db)
            return [UInt8](try Self.fetchValue(Data.self, Self.schema.selectSetting(named: name), in: db) ?? Data())
        }
    }

    /// The lease-guarded write of a record: the last write of a call, too, with `releasingLease`.
    private func write(
        _ record: IdempotencyRecord,
        owner: String,
        releasingLease: Bool
    ) async throws(IdempotencyStoreError) {
        let changed = try await self.run(releasingLease ? "finish a record" : "write a record") { db -> Int in
            let statement = Self.schema.writeRecord(
                record,
                owner: owner,
                releasingLease: releasingLease,
                holder: self.holder(owner)
            )
            return try Self.execute(statement, in: db)
        }
        guard changed == 1 else {
            throw IdempotencyStoreError(
                code: .leaseLost,
                message: "the lease on \(record.key) is no longer held by this caller"
            )
        }
    }

    /// The record with `key`, which a statement of this transaction has just written.
    private static func stored(_ key: String, in db: Database) throws -> IdempotencyRecord {
        guard let record = try Self.fetchRecord(Self.schema.selectRecord(key: "\(key)"), in: db) else {
            throw IdempotencyStoreError(code: .corruptRecord, message: "the record vanished after insertion")
        }
        return record
    }

    /// Runs one transaction, turning failures into typed errors: a write on GRDB's writer queue, or
    /// a read on its reader pool (WAL lets reads run beside writers).
    func run<T: Sendable>(
        _ what: String,
        reading: Bool = false,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(IdempotencyStoreError) -> T {
        do {
            if reading { return try await self.database.read(body) }
            return try await self.database.write(body)
        } catch let error as IdempotencyStoreError {
            throw error
        } catch {
            throw IdempotencyStoreError(code: .unavailable, message: "cannot \(what)", underlying: error)
        }
    }
}
