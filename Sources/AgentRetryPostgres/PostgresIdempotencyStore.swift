import AgentRetry
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The shared store: one PostgreSQL database for agents on many machines, through PostgresNIO's
/// connection pool.
///
/// It keeps the SQLite store's semantics. A record is created atomically (`INSERT ... ON CONFLICT`);
/// leases are taken and renewed by compare-and-set on owner and expiry; every write under a lease
/// is one guarded `UPDATE`, so no two writers both win; and every method has committed before it
/// returns (`connect` refuses a server whose `synchronous_commit` is off), so the client sends only
/// what is durably recorded. A database that is down or drops mid-call is an
/// `IdempotencyStoreError` with code `unavailable`, and the client sends nothing.
///
/// Leases are tied to the holder's database session as well as to their expiry: each store keeps
/// one connection of its own beside the pool, its lease session, which holds an advisory lock for as
/// long as it lives, and every lease it takes records that lock. When the holder's process dies,
/// its connection closes, the server releases the lock, and another process takes the lease over at
/// once instead of waiting for it to expire.
///
/// ```swift
/// let store = try await PostgresIdempotencyStore.connect(
///     try .init(connectionString: "postgres://agents@db.internal:5432/payments?sslmode=verify-full"))
/// defer { Task { await store.close() } }
/// let client = IdempotentClient(transport: transport, store: store,
///     secret: try await IdempotentClient.storedSecret(in: store))
/// ```
public final class PostgresIdempotencyStore: IdempotencyStore {
    /// Where the store is.
    public let configuration: Configuration
    let client: PostgresClient
    let logger: Logger
    /// The connection whose advisory lock the store's leases record.
    let leaseSession: PostgresLeaseSession
    private let runTask: Task<Void, Never>

    /// Connects, and brings the schema up to date (creating it on first use; several processes may
    /// do this at once).
    /// - Throws: `IdempotencyStoreError` `unavailable` when the database cannot be
    ///   reached or refuses the login, `unsupportedSchema` when a newer AgentRetry has migrated it,
    ///   `invalidConfiguration` when the CA file cannot be read.
    public static func connect(
        _ configuration: Configuration,
        logger: Logger = Logger(label: "agentretry.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws(IdempotencyStoreError) -> PostgresIdempotencyStore {
        try configuration.validate()
        let store = try PostgresIdempotencyStore(configuration: configuration, logger: logger)
        do {
            try await store.probe()
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    private init(configuration: Configuration, logger: Logger) throws(IdempotencyStoreError) {
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: try Self.clientTLS(configuration.tls)
        )
        clientConfiguration.options.connectTimeout = configuration.connectTimeout
        clientConfiguration.options.maximumConnections = configuration.pool.maximumConnections
        clientConfiguration.options.minimumConnections = configuration.pool.minimumConnections
        clientConfiguration.options.additionalStartupParameters = Self.sessionSettings(configuration)
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: Self.quieter(logger))
        self.configuration = configuration
        self.client = client
        self.logger = Self.quieter(logger)
        self.leaseSession = PostgresLeaseSession(
            configuration: try Self.connectionConfiguration(configuration),
            logger: self.logger
        )
        self.runTask = Task { await client.run() }
    }

    /// The settings every connection of the store starts with, whatever the server's defaults
    /// (`synchronous_commit` is checked instead, by ``probe()``, so a stronger setting such as
    /// `remote_apply` stays):
    /// - `default_transaction_isolation=read committed`: each statement after the identity's
    ///   advisory lock sees every commit made before it (under repeatable read, a transaction's
    ///   snapshot is older than the lock, and two processes could create two records for one intent);
    /// - `statement_timeout`, `lock_timeout` and `idle_in_transaction_session_timeout` at the
    ///   operation timeout: the server ends what the client has stopped waiting for.
    static func sessionSettings(_ configuration: Configuration) -> [(String, String)] {
        let timeout = configuration.operationTimeout.components
        // PostgreSQL takes at most INT_MAX milliseconds (about 24.8 days).
        let milliseconds = String(
            min(Int64(Int32.max), max(1, timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000))
        )
        return [
            ("default_transaction_isolation", "read committed"),
            ("statement_timeout", milliseconds), ("lock_timeout", milliseconds),
            ("idle_in_transaction_session_timeout", milliseconds),
            ("application_name", "agentretry"),
        ]
    }

    /// PostgresNIO logs every message from the server at trace level, rows included, and a row can
    /// hold the namespace secret: its logger never goes below debug.
    static func quieter(_ logger: Logger) -> Logger {
        var logger = logger
        if logger.logLevel < .debug { logger.logLevel = .debug }
        return logger
    }

    /// Closes the pool's connections and the lease session: leases this store still holds are free
    /// for others to take at once. Calls made after it fail as `unavailable`.
    public func close() async {
        await self.leaseSession.close()
        self.runTask.cancel()
        await self.runTask.value
    }

    deinit {
        self.runTask.cancel()
        // A store dropped without close(): its lease session closes too (its leases are then free).
        let session = self.leaseSession
        Task { await session.close() }
    }

    public func record(for key: IdempotencyKey) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.firstRecord("read a record", Self.schema.selectRecord(key: "\(key.rawValue)"))
    }

    public func latestRecord(intentFingerprint: String) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        try await self.firstRecord(
            "read an intent's records",
            Self.schema.selectLatestRecord(identity: "\(intentFingerprint)")
        )
    }

    public func insertIfAbsent(_ record: IdempotencyRecord) async throws(IdempotencyStoreError) -> IdempotencyRecord {
        // ON CONFLICT DO NOTHING waits for a competing insert of the key to commit or roll back;
        // the read that follows is a new statement and sees the winner.
        let insert = Self.schema.insertRecord(record) + " RETURNING *"
        if let inserted = try await self.firstRecord("insert a record", insert) {
            return inserted
        }
        guard let existing = try await self.record(for: record.key) else {
            throw IdempotencyStoreError(code: .corruptRecord, message: "record \(record.key) vanished after insertion")
        }
        return existing
    }

    public func insertAndLease(
        _ record: IdempotencyRecord,
        owner: String,
        leaseExpiresAt: Date,
        now: Date,
        adoptingFinished: Bool
    ) async throws(IdempotencyStoreError) -> (record: IdempotencyRecord, leased: Bool) {
        let rows = try await self.rows("insert and lease a record", holding: owner) { holder in
            Self.insertAndLeaseCall(
                record,
                owner: owner,
                leaseExpiresAt: leaseExpiresAt,
                now: now,
                adoptingFinished: adoptingFinished,
                holder: holder
            )
        }
        guard let row = rows.first, let leased = try? row.makeRandomAccess()["leased"].decode(Bool.self) else {
            throw IdempotencyStoreError(code: .corruptRecord, message: "record \(record.key) vanished after insertion")
        }
        return (try Self.decode(row), leased)
    }

    public func acquireLease(
        key: IdempotencyKey,
        owner: String,
        expiresAt: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        let rows = try await self.rows("take a lease", holding: owner) { holder in
            Self.schema.takeLease(
                key: "\(key.rawValue)",
                owner: "\(owner)",
                until: "\(expiresAt)",
                now: "\(now)",
                holder: StoreSchema.holderOperands(holder),
                holderGone: Self.holderSessionEnded
            ) + " RETURNING *"
        }
        guard let row = rows.first else { return nil }
        return try Self.decode(row)
    }

    public func update(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        try await self.write(record, owner: owner, releasingLease: false)
    }

    public func finish(_ record: IdempotencyRecord, owner: String) async throws(IdempotencyStoreError) {
        try await self.write(record, owner: owner, releasingLease: true)
    }

    public func releaseLease(key: IdempotencyKey, owner: String) async throws(IdempotencyStoreError) {
        _ = try await self.rows("release a lease", Self.schema.releaseLease(key: key, owner: owner))
    }

    public func removeFinishedRecords(
        expiredBefore cutoff: Date,
        now: Date
    ) async throws(IdempotencyStoreError) -> Int {
        // In batches, so that a large backlog makes progress within the statement timeout. A row
        // whose intent a first write holds (its identity's advisory lock) is skipped this time.
        let table = Self.schema.recordTable
        var removed = 0
        while true {
            let rows = try await self.rows(
                "remove expired records",
                """
                WITH doomed AS (
                    SELECT key FROM \(sql: table) WHERE \(StoreSchema.removable(expiredBefore: cutoff, now: now))
                    ORDER BY psp_expires_at LIMIT \(sql: "\(Self.removalBatch)")
                    FOR UPDATE SKIP LOCKED),
                deleted AS (
                    DELETE FROM \(sql: table) r USING doomed d
                    WHERE r.key = d.key AND pg_try_advisory_xact_lock(hashtextextended(r.intent_fingerprint, 0))
                    RETURNING 1)
                SELECT count(*) FROM deleted
                """
            )
            let count = rows.first.flatMap { try? $0.decode(Int.self) } ?? 0
            removed += count
            if count < Self.removalBatch { return removed }
        }
    }

    /// Records removed per statement by ``removeFinishedRecords(expiredBefore:now:)``.
    static let removalBatch = 1000

    public func setting(
        named name: String,
        orInsert makeValue: @escaping @Sendable () -> [UInt8]
    ) async throws(IdempotencyStoreError) -> [UInt8] {
        let insert = Self.schema.insertSetting(named: name, value: makeValue()) + " RETURNING value"
        var rows = try await self.rows("read a setting", insert)
        if rows.isEmpty {
            rows = try await self.rows("read a setting", Self.schema.selectSetting(named: name))
        }
        guard let row = rows.first, let stored = try? row.decode(ByteBuffer.self) else {
            throw IdempotencyStoreError(code: .corruptRecord, message: "setting \(name) cannot be read")
        }
        return Array(stored.readableBytesView)
    }
}
