import AgentRetry
import Foundation
import PostgresNIO

extension PostgresIdempotencyStore {
    /// One step of the schema, applied once, in order.
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [String]
    }

    /// The schema's versions. Append, never edit: a database records which it has applied, and
    /// what a version creates must stay what it created (the tables come from ``StoreColumn``).
    static let migrations: [Migration] = [
        Migration(
            version: 1,
            name: "records and settings",
            statements: [
                PostgresIdempotencyStore.schema.createRecordTable(StoreColumn.withoutLeaseHolder),
                PostgresIdempotencyStore.schema.createIdentityIndex,
                PostgresIdempotencyStore.schema.createExpiryIndex,
                PostgresIdempotencyStore.schema.createSettingTable,
                PostgresIdempotencyStore.insertAndLeaseFunction(columns: StoreColumn.withoutLeaseHolder, holder: false),
            ]
        ),
        // The lease holder's columns, and the first write that records its holder and takes over a
        // lease whose holder's session has ended. The function's parameters change, so the old one goes.
        Migration(
            version: 2,
            name: "lease holders",
            statements: StoreColumn.leaseHolder.map(PostgresIdempotencyStore.schema.addColumn) + [
                "DROP FUNCTION \(PostgresIdempotencyStore.insertAndLeaseName)",
                PostgresIdempotencyStore.insertAndLeaseFunction(columns: StoreColumn.allCases, holder: true),
            ]
        ),
        // The webhook inbox: events, each consumer's deliveries, order states (``StoreSchema``).
        Migration(version: 3, name: "webhook inbox", statements: PostgresIdempotencyStore.schema.createInbox),
    ]

    /// The server-side first write's name.
    package static let insertAndLeaseName = "agentretry_insert_and_lease"

    /// The first write of a call
    /// (``AgentRetry/IdempotencyStore/insertAndLease(_:owner:leaseExpiresAt:now:adoptingFinished:)``,
    /// whose doc comment and the conformance suite specify it) as one server-side function, so that
    /// it costs one round trip and one commit. Its statements are the ones the SQLite store runs in
    /// its write transaction, made from the same ``StoreSchema`` with the function's parameters as
    /// operands; a transaction-scoped advisory lock on the intent's identity makes the look-up of
    /// its other keys and the insert one step (two processes holding different secrets cannot both
    /// create a record for one intent). Each statement of a PL/pgSQL function takes a new snapshot,
    /// so the look-ups after the lock see every commit made before it. It takes the record's
    /// columns (`p_key` ... `p_lease_holder_session`, in ``StoreColumn`` order), then the lease's
    /// owner, expiry and `now`, whether to adopt a finished record, and the holder's process and
    /// session (`p_holder_host` ... `p_holder_session`); it returns whether the lease was taken, and
    /// the record as it now is. A live lease whose holder's session has ended is taken over
    /// (``holderSessionEnded``).
    ///
    /// Schema version 1 created it with the columns of its time (`columns`) and without a holder.
    package static func insertAndLeaseFunction(columns: [StoreColumn], holder: Bool) -> String {
        let schema = Self.schema
        var parameters = columns.map { "p_\($0.name) \(schema.parameterType(of: $0.kind))" }
        parameters += ["p_owner text", "p_lease_until double precision", "p_now double precision"]
        parameters += ["p_adopt_finished boolean"]
        let holderColumns = StoreColumn.leaseHolder.dropFirst()
        if holder {
            parameters += holderColumns.map {
                "p_holder_\($0.name.dropFirst("lease_holder_".count)) \(schema.parameterType(of: $0.kind))"
            }
        }
        let finished = schema.selectLatestRecord(
            identity: "p_intent_fingerprint",
            otherThan: "p_key",
            in: IdempotencyRecord.State.finished,
            columns: "key INTO v_finished"
        )
        let unfinished = schema.selectLatestRecord(
            identity: "p_intent_fingerprint",
            otherThan: "p_key",
            in: IdempotencyRecord.State.unfinished,
            columns: "key INTO v_target"
        )
        let insert = schema.insertRecord(columns.map { StoreStatement(sql: "p_\($0.name)") }, columns: columns)
        let holderOperands = ["p_owner"] + holderColumns.map { "p_holder_\($0.name.dropFirst("lease_holder_".count))" }
        let lease = schema.takeLease(
            key: "v_target",
            owner: "p_owner",
            until: "p_lease_until",
            now: "p_now",
            format: "p_format",
            request: "p_request_fingerprint",
            holder: holder ? holderOperands.map { StoreStatement(sql: $0) } : nil,
            holderGone: holder ? Self.holderSessionEnded : nil
        )
        let function: StoreStatement = """
            CREATE FUNCTION \(sql: Self.insertAndLeaseName)(\(sql: parameters.joined(separator: ", ")))
            RETURNS TABLE (leased boolean, rec \(sql: schema.recordTable))
            LANGUAGE plpgsql AS $function$
            DECLARE
                v_target text;
                v_finished text;
            BEGIN
                -- Under repeatable read the look-ups below would see a snapshot older than the lock.
                IF current_setting('transaction_isolation') <> 'read committed' THEN
                    RAISE EXCEPTION '\(sql: Self.insertAndLeaseName) needs read committed, not %',
                        current_setting('transaction_isolation');
                END IF;
                PERFORM pg_advisory_xact_lock(hashtextextended(p_intent_fingerprint, 0));
                -- An intent without a time bucket that already ended under another key keeps that outcome.
                IF p_adopt_finished AND NOT EXISTS (\(schema.selectRecord(key: "p_key", columns: "1"))) THEN
                    \(finished);
                    IF v_finished IS NOT NULL THEN
                        RETURN QUERY SELECT false, r FROM \(sql: schema.recordTable) r WHERE r.key = v_finished;
                        RETURN;
                    END IF;
                END IF;
                -- An unfinished record of the intent under another key is resumed; else the record is inserted.
                \(unfinished);
                IF v_target IS NULL THEN
                    v_target := p_key;
                    \(insert);
                END IF;
                \(lease);
                RETURN QUERY SELECT FOUND, r FROM \(sql: schema.recordTable) r WHERE r.key = v_target;
            END
            $function$
            """
        return function.sql
    }

    /// A fixed key for the advisory lock that serializes migrations across processes.
    static let migrationLock: Int64 = 0x4167_656E_7452_6574  // "AgentRet"

    /// Applies the migrations this database lacks, in one transaction under an advisory lock, so
    /// processes that start at once wait for each other and each version is applied exactly once.
    /// A database already up to date is only read: a role without the right to create tables can
    /// use a store its administrator migrated.
    func migrate() async throws(IdempotencyStoreError) {
        let known = Self.migrations.last?.version ?? 0
        var present = -1
        let table = try await self.rows(
            "read the schema version",
            "SELECT to_regclass('agentretry_schema_version') IS NOT NULL"
        )
        if table.first.flatMap({ try? $0.decode(Bool.self) }) == true {
            let versions = try await self.rows(
                "read the schema version",
                "SELECT coalesce(max(version), 0) FROM agentretry_schema_version"
            )
            present = versions.first.flatMap { try? $0.decode(Int.self) } ?? -1
        }
        if present == known { return }
        let applied =
            present > known
            ? present
            : try await self.transaction("bring the schema up to date") { connection -> Int in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS agentretry_schema_version (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """,
                    logger: self.logger
                )
                let rows = try await connection.query(
                    "SELECT coalesce(max(version), 0) FROM agentretry_schema_version",
                    logger: self.logger
                ).collect()
                let current = try rows.first?.decode(Int.self) ?? 0
                guard current <= known else { return current }
                for migration in Self.migrations where migration.version > current {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await connection.query(
                        """
                        INSERT INTO agentretry_schema_version (version, name) \
                        VALUES (\(migration.version), \(migration.name))
                        """,
                        logger: self.logger
                    )
                }
                return current
            }
        if applied > known {
            throw IdempotencyStoreError(
                code: .unsupportedSchema,
                message: "the store at \(self.configuration.location) is at schema version \(applied), "
                    + "written by a newer AgentRetry (this one knows \(known))"
            )
        }
    }
}
