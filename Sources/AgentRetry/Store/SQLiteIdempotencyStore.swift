import Foundation
import GRDB

/// The embedded store: one SQLite file through GRDB, in WAL mode with `synchronous=FULL`, so a
/// committed write survives a crash of the process or the machine.
///
/// Several processes can share the file: SQLite's locks serialize writers, and every decision that
/// must not be taken twice (inserting a record, taking a lease, writing under a lease) is one
/// compare-and-set statement inside one transaction.
public final class SQLiteIdempotencyStore: IdempotencyStore {
    private let database: DatabasePool

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// Opening is blocking file I/O. Processes that open a new store at the same moment contend
    /// for switching it to WAL, which SQLite reports as busy without waiting; opening is therefore
    /// tried again for up to 5 seconds before it fails.
    public init(path: String) throws(IdempotencyStoreError) {
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
                    throw IdempotencyStoreError(code: .unsupportedSchema, message: "the store at \(path) was written by a newer AgentRetry")
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
        throw IdempotencyStoreError(code: .unavailable, message: "cannot open the SQLite store at \(path)", underlying: lastError)
    }

    /// The schema's versions, applied in order on first use.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: records and settings") { db in
            try db.execute(sql: """
                CREATE TABLE idempotency_record (
                    key TEXT PRIMARY KEY NOT NULL,
                    namespace TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    intent_fingerprint TEXT NOT NULL,
                    request_fingerprint TEXT NOT NULL,
                    profile TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    created_at DOUBLE NOT NULL,
                    updated_at DOUBLE NOT NULL,
                    client_expires_at DOUBLE NOT NULL,
                    psp_expires_at DOUBLE NOT NULL,
                    outcome_status INTEGER,
                    outcome_headers TEXT,
                    outcome_body BLOB,
                    anchor TEXT,
                    lease_owner TEXT,
                    lease_expires_at DOUBLE
                );
                CREATE INDEX idempotency_record_identity ON idempotency_record (intent_fingerprint, created_at);
                CREATE TABLE setting (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("v2: record format") { db in
            try db.execute(sql: """
                ALTER TABLE idempotency_record ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
                CREATE INDEX idempotency_record_expiry ON idempotency_record (psp_expires_at);
                """)
        }
        return migrator
    }

    public func record(for key: IdempotencyKey) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.runReading("read a record") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM idempotency_record WHERE key = ?", arguments: [key.rawValue]).map(Self.decode)
        }
    }

    public func latestRecord(intentFingerprint: String) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.runReading("read an intent's records") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM idempotency_record WHERE intent_fingerprint = ? ORDER BY created_at DESC, key DESC LIMIT 1",
                arguments: [intentFingerprint]).map(Self.decode)
        }
    }

    public func insertIfAbsent(_ record: IdempotencyRecord) async throws(IdempotencyStoreError) -> IdempotencyRecord {
        try await self.run("insert a record") { db -> IdempotencyRecord in
            try db.execute(sql: "INSERT OR IGNORE INTO idempotency_record \(Self.columnList) VALUES \(Self.placeholders)",
                arguments: Self.arguments(of: record))
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM idempotency_record WHERE key = ?", arguments: [record.key.rawValue]) else {
                throw IdempotencyStoreError(code: .corruptRecord, message: "the record vanished after insertion")
            }
            return try Self.decode(row)
        }
    }

    public func insertAndLease(
        _ record: IdempotencyRecord, owner: String, leaseExpiresAt: Date, now: Date, adoptingFinished: Bool
    ) async throws(IdempotencyStoreError) -> (record: IdempotencyRecord, leased: Bool) {
        try await self.run("insert and lease a record") { db -> (record: IdempotencyRecord, leased: Bool) in
            if adoptingFinished,
               try Row.fetchOne(db, sql: "SELECT 1 FROM idempotency_record WHERE key = ?", arguments: [record.key.rawValue]) == nil,
               let finished = try Row.fetchOne(db, sql: """
                   SELECT * FROM idempotency_record
                   WHERE intent_fingerprint = ? AND key != ? AND state IN ('succeeded', 'failed', 'conflict')
                   ORDER BY created_at DESC, key DESC LIMIT 1
                   """, arguments: [record.intentFingerprint, record.key.rawValue]) {
                return (try Self.decode(finished), false)
            }
            let unfinished = try String.fetchOne(db, sql: """
                SELECT key FROM idempotency_record
                WHERE intent_fingerprint = ? AND key != ? AND state IN ('prepared', 'inFlight', 'pending')
                ORDER BY created_at DESC, key DESC LIMIT 1
                """, arguments: [record.intentFingerprint, record.key.rawValue])
            let key = unfinished ?? record.key.rawValue
            if unfinished == nil {
                try db.execute(sql: "INSERT OR IGNORE INTO idempotency_record \(Self.columnList) VALUES \(Self.placeholders)",
                    arguments: Self.arguments(of: record))
            }
            try db.execute(
                sql: """
                    UPDATE idempotency_record SET lease_owner = ?, lease_expires_at = ?
                    WHERE key = ? AND request_fingerprint = ? AND state NOT IN ('succeeded', 'failed') AND format <= \(IdempotencyRecord.storageFormat)
                        AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at <= ?)
                    """,
                arguments: [owner, leaseExpiresAt.timeIntervalSince1970, key, record.requestFingerprint.rawValue,
                    owner, now.timeIntervalSince1970])
            let leased = db.changesCount == 1
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM idempotency_record WHERE key = ?", arguments: [key]) else {
                throw IdempotencyStoreError(code: .corruptRecord, message: "the record vanished after insertion")
            }
            return (try Self.decode(row), leased)
        }
    }

    public func finish(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        let changed = try await self.run("finish a record") { db -> Int in
            try Self.write(record, owner: owner, releasingLease: true, in: db)
        }
        guard changed == 1 else {
            throw IdempotencyStoreError(code: .leaseLost, message: "the lease on \(record.key) is no longer held by this caller")
        }
    }

    public func acquireLease(key: IdempotencyKey, owner: String, expiresAt: Date, now: Date) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.run("take a lease") { db -> IdempotencyRecord? in
            try db.execute(
                sql: """
                    UPDATE idempotency_record SET lease_owner = ?, lease_expires_at = ?
                    WHERE key = ? AND format <= \(IdempotencyRecord.storageFormat)
                        AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at <= ?)
                    """,
                arguments: [owner, expiresAt.timeIntervalSince1970, key.rawValue, owner, now.timeIntervalSince1970])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM idempotency_record WHERE key = ?", arguments: [key.rawValue]).map(Self.decode)
        }
    }

    public func update(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        let changed = try await self.run("write a record") { db -> Int in
            try Self.write(record, owner: owner, releasingLease: false, in: db)
        }
        guard changed == 1 else {
            throw IdempotencyStoreError(code: .leaseLost, message: "the lease on \(record.key) is no longer held by this caller")
        }
    }

    public func releaseLease(key: IdempotencyKey, owner: String) async throws(IdempotencyStoreError) {
        try await self.run("release a lease") { db in
            try db.execute(sql: "UPDATE idempotency_record SET lease_owner = NULL, lease_expires_at = NULL WHERE key = ? AND lease_owner = ?",
                arguments: [key.rawValue, owner])
        }
    }

    public func removeFinishedRecords(expiredBefore cutoff: Date, now: Date) async throws(IdempotencyStoreError) -> Int {
        try await self.run("remove expired records") { db -> Int in
            try db.execute(
                sql: """
                    DELETE FROM idempotency_record
                    WHERE state IN ('succeeded', 'failed', 'conflict') AND psp_expires_at < ? AND format <= \(IdempotencyRecord.storageFormat)
                        AND (lease_owner IS NULL OR lease_expires_at <= ?)
                    """,
                arguments: [cutoff.timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func setting(named name: String, orInsert makeValue: @escaping @Sendable () -> [UInt8]) async throws(IdempotencyStoreError) -> [UInt8] {
        try await self.run("read a setting") { db -> [UInt8] in
            try db.execute(sql: "INSERT OR IGNORE INTO setting (name, value) VALUES (?, ?)", arguments: [name, Data(makeValue())])
            let data = try Data.fetchOne(db, sql: "SELECT value FROM setting WHERE name = ?", arguments: [name]) ?? Data()
            return [UInt8](data)
        }
    }

    /// Runs one read on GRDB's reader pool (WAL lets it run beside writers), turning failures into
    /// typed errors.
    private func runReading<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(IdempotencyStoreError) -> T {
        do {
            return try await self.database.read(body)
        } catch let error as IdempotencyStoreError {
            throw error
        } catch {
            throw IdempotencyStoreError(code: .unavailable, message: "cannot \(what)", underlying: error)
        }
    }

    /// Runs one write transaction on GRDB's own queue, turning failures into typed errors.
    private func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(IdempotencyStoreError) -> T {
        do {
            return try await self.database.write(body)
        } catch let error as IdempotencyStoreError {
            throw error
        } catch {
            throw IdempotencyStoreError(code: .unavailable, message: "cannot \(what)", underlying: error)
        }
    }
}
