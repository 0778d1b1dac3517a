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
        ]),
    ]

    /// A fixed key for the advisory lock that serializes migrations across processes.
    static let migrationLock: Int64 = 0x4167_656E_7452_6574  // "AgentRet"

    /// Applies the migrations this database lacks, in one transaction under an advisory lock, so
    /// processes that start at once wait for each other and each version is applied exactly once.
    func migrate() async throws(IdempotencyStoreError) {
        let known = Self.migrations.last?.version ?? 0
        let applied = try await self.transaction("bring the schema up to date") { connection -> Int in
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
