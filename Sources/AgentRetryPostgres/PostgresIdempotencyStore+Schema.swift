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

    /// The schema's versions. Append, never edit: a database records which it has applied.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "records and settings", statements: [
            """
            CREATE TABLE agentretry_record (
                key text PRIMARY KEY,
                namespace text NOT NULL,
                operation text NOT NULL,
                intent_fingerprint text NOT NULL,
                request_fingerprint text NOT NULL,
                profile text NOT NULL,
                state text NOT NULL,
                attempts bigint NOT NULL,
                created_at double precision NOT NULL,
                updated_at double precision NOT NULL,
                client_expires_at double precision NOT NULL,
                psp_expires_at double precision NOT NULL,
                outcome_status bigint,
                outcome_headers text,
                outcome_body bytea,
                anchor text,
                lease_owner text,
                lease_expires_at double precision,
                format integer NOT NULL DEFAULT 1
            )
            """,
            "CREATE INDEX agentretry_record_identity ON agentretry_record (intent_fingerprint, created_at)",
            "CREATE INDEX agentretry_record_expiry ON agentretry_record (psp_expires_at)",
            "CREATE TABLE agentretry_setting (name text PRIMARY KEY, value bytea NOT NULL)",
            PostgresIdempotencyStore.insertAndLeaseFunction,
        ]),
    ]

    /// The first write of a call as one server-side function, so that it costs one round trip and
    /// one commit. It does what the SQLite store does in one write transaction: a transaction-scoped
    /// advisory lock on the intent's identity makes the look-up of its other keys and the insert one
    /// step (two processes holding different secrets cannot both create a record for one intent);
    /// then `INSERT ... ON CONFLICT DO NOTHING`, then the lease's compare-and-set. Each statement of
    /// a PL/pgSQL function takes a new snapshot, so the look-ups after the lock see every commit
    /// made before it. Returns whether the lease was taken, and the record as it now is.
    static let insertAndLeaseFunction = """
        CREATE FUNCTION agentretry_insert_and_lease(
            p_key text, p_namespace text, p_operation text, p_identity text, p_request text, p_profile text, p_state text,
            p_attempts bigint, p_created double precision, p_updated double precision, p_client_expires double precision,
            p_psp_expires double precision, p_outcome_status bigint, p_outcome_headers text, p_outcome_body bytea, p_anchor text,
            p_lease_owner text, p_lease_until double precision, p_format bigint,
            p_owner text, p_lease_expires double precision, p_now double precision, p_adopt_finished boolean)
        RETURNS TABLE (leased boolean, rec agentretry_record)
        LANGUAGE plpgsql AS $function$
        DECLARE
            v_target text;
            v_finished text;
        BEGIN
            -- Under repeatable read the look-ups below would see a snapshot older than the lock.
            IF current_setting('transaction_isolation') <> 'read committed' THEN
                RAISE EXCEPTION 'agentretry_insert_and_lease needs read committed, not %', current_setting('transaction_isolation');
            END IF;
            PERFORM pg_advisory_xact_lock(hashtextextended(p_identity, 0));
            -- An intent without a time bucket that already ended under another key keeps that outcome.
            IF p_adopt_finished AND NOT EXISTS (SELECT 1 FROM agentretry_record r WHERE r.key = p_key) THEN
                SELECT r.key INTO v_finished FROM agentretry_record r
                    WHERE r.intent_fingerprint = p_identity AND r.key <> p_key AND r.state IN ('succeeded', 'failed', 'conflict')
                    ORDER BY r.created_at DESC, r.key DESC LIMIT 1;
                IF v_finished IS NOT NULL THEN
                    RETURN QUERY SELECT false, r FROM agentretry_record r WHERE r.key = v_finished;
                    RETURN;
                END IF;
            END IF;
            -- An unfinished record of the intent under another key is resumed; else the record is inserted.
            SELECT r.key INTO v_target FROM agentretry_record r
                WHERE r.intent_fingerprint = p_identity AND r.key <> p_key AND r.state IN ('prepared', 'inFlight', 'pending')
                ORDER BY r.created_at DESC, r.key DESC LIMIT 1;
            IF v_target IS NULL THEN
                v_target := p_key;
                INSERT INTO agentretry_record (key, namespace, operation, intent_fingerprint, request_fingerprint, profile, state,
                    attempts, created_at, updated_at, client_expires_at, psp_expires_at, outcome_status, outcome_headers, outcome_body,
                    anchor, lease_owner, lease_expires_at, format)
                VALUES (p_key, p_namespace, p_operation, p_identity, p_request, p_profile, p_state, p_attempts, p_created, p_updated,
                    p_client_expires, p_psp_expires, p_outcome_status, p_outcome_headers, p_outcome_body, p_anchor, p_lease_owner,
                    p_lease_until, p_format)
                ON CONFLICT (key) DO NOTHING;
            END IF;
            UPDATE agentretry_record r SET lease_owner = p_owner, lease_expires_at = p_lease_expires
                WHERE r.key = v_target AND r.request_fingerprint = p_request AND r.state NOT IN ('succeeded', 'failed')
                    AND r.format <= p_format AND (r.lease_owner IS NULL OR r.lease_owner = p_owner OR r.lease_expires_at <= p_now);
            RETURN QUERY SELECT FOUND, r FROM agentretry_record r WHERE r.key = v_target;
        END
        $function$
        """

    /// A fixed key for the advisory lock that serializes migrations across processes.
    static let migrationLock: Int64 = 0x4167_656E_7452_6574  // "AgentRet"

    /// Applies the migrations this database lacks, in one transaction under an advisory lock, so
    /// processes that start at once wait for each other and each version is applied exactly once.
    /// A database already up to date is only read: a role without the right to create tables can
    /// use a store its administrator migrated.
    func migrate() async throws(IdempotencyStoreError) {
        let known = Self.migrations.last?.version ?? 0
        var present = -1
        let table = try await self.rows("read the schema version", "SELECT to_regclass('agentretry_schema_version') IS NOT NULL")
        if table.first.flatMap({ try? $0.decode(Bool.self) }) == true {
            let versions = try await self.rows("read the schema version", "SELECT coalesce(max(version), 0) FROM agentretry_schema_version")
            present = versions.first.flatMap { try? $0.decode(Int.self) } ?? -1
        }
        if present == known { return }
        let applied = present > known ? present : try await self.transaction("bring the schema up to date") { connection -> Int in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS agentretry_schema_version (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: self.logger)
            let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM agentretry_schema_version", logger: self.logger).collect()
            let current = try rows.first?.decode(Int.self) ?? 0
            guard current <= known else { return current }
            for migration in Self.migrations where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO agentretry_schema_version (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: self.logger)
            }
            return current
        }
        if applied > known {
            throw IdempotencyStoreError(code: .unsupportedSchema,
                message: "the store at \(self.configuration.location) is at schema version \(applied), written by a newer AgentRetry (this one knows \(known))")
        }
    }
}
