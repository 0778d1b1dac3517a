import AgentRetry
import Foundation
import NIOCore
import PostgresNIO

extension PostgresIdempotencyStore {
    /// The states a record ends in.
    static let finishedStates = "('succeeded', 'failed', 'conflict')"
    /// The states of a record whose outcome is not known yet.
    static let unfinishedStates = "('prepared', 'inFlight', 'pending')"

    /// `INSERT` of a whole record, followed by `onConflict` (`DO NOTHING`, or a guarded `DO UPDATE`).
    static func insert(_ record: IdempotencyRecord, onConflict: String) -> PostgresQuery {
        let outcome = record.outcome
        return """
            INSERT INTO agentretry_record (key, namespace, operation, intent_fingerprint, request_fingerprint, profile, state,
                attempts, created_at, updated_at, client_expires_at, psp_expires_at, outcome_status, outcome_headers, outcome_body,
                anchor, lease_owner, lease_expires_at, format)
            VALUES (\(record.key.rawValue), \(record.namespace), \(record.operation), \(record.intentFingerprint),
                \(record.requestFingerprint.rawValue), \(record.profile), \(record.state.rawValue), \(record.attempts),
                \(record.createdAt.timeIntervalSince1970), \(record.updatedAt.timeIntervalSince1970),
                \(record.clientExpiresAt.timeIntervalSince1970), \(record.pspExpiresAt.timeIntervalSince1970),
                \(outcome?.status), \(outcome.map { Self.encodeHeaders($0.headers) }), \(outcome.map { ByteBuffer(bytes: $0.body) }),
                \(record.anchor), \(record.leaseOwner), \(record.leaseExpiresAt?.timeIntervalSince1970), \(IdempotencyRecord.storageFormat))
            ON CONFLICT (key) \(unescaped: onConflict)
            RETURNING *
            """
    }

    /// The first write of a call, in the caller's transaction. A transaction-scoped advisory lock on
    /// the intent's identity makes the look-up of its other keys and the insert one step, as the
    /// SQLite store's single writer does: two processes holding different secrets cannot both
    /// create a record for one intent.
    func insertAndLease(
        _ record: IdempotencyRecord, owner: String, leaseExpiresAt: Date, now: Date, adoptingFinished: Bool,
        on connection: PostgresConnection
    ) async throws -> (record: IdempotencyRecord, leased: Bool) {
        let key = record.key.rawValue
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(record.intentFingerprint), 0))", logger: self.logger)
        let found = try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM agentretry_record WHERE key = \(key)),
                (SELECT key FROM agentretry_record WHERE intent_fingerprint = \(record.intentFingerprint) AND key <> \(key)
                    AND state IN \(unescaped: Self.unfinishedStates) ORDER BY created_at DESC LIMIT 1),
                (SELECT key FROM agentretry_record WHERE intent_fingerprint = \(record.intentFingerprint) AND key <> \(key)
                    AND state IN \(unescaped: Self.finishedStates) ORDER BY created_at DESC LIMIT 1)
            """, logger: self.logger).collect()
        guard let row = found.first else { throw PostgresStoreInconsistency(message: "the identity look-up returned no row") }
        let (derivedExists, unfinished, finished) = try row.decode((Bool, String?, String?).self)
        if adoptingFinished, !derivedExists, unfinished == nil, let finished {
            return (try await self.fetchRecord(key: finished, on: connection), false)
        }
        let leasedRows: [PostgresRow]
        if let unfinished {
            leasedRows = try await connection.query("""
                UPDATE agentretry_record SET lease_owner = \(owner), lease_expires_at = \(leaseExpiresAt.timeIntervalSince1970)
                WHERE key = \(unfinished) AND request_fingerprint = \(record.requestFingerprint.rawValue)
                    AND state NOT IN ('succeeded', 'failed') AND format <= \(IdempotencyRecord.storageFormat)
                    AND (lease_owner IS NULL OR lease_owner = \(owner) OR lease_expires_at <= \(now.timeIntervalSince1970))
                RETURNING *
                """, logger: self.logger).collect()
        } else {
            // Inserted with the lease taken, or the existing row's lease taken, in one statement.
            // The guard compares with EXCLUDED (the proposed row) and a number, never with text.
            var leasedRecord = record
            leasedRecord.leaseOwner = owner
            leasedRecord.leaseExpiresAt = leaseExpiresAt
            let current = "agentretry_record"
            leasedRows = try await connection.query(Self.insert(leasedRecord, onConflict: """
                DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_expires_at = EXCLUDED.lease_expires_at
                WHERE \(current).request_fingerprint = EXCLUDED.request_fingerprint AND \(current).state NOT IN ('succeeded', 'failed')
                    AND \(current).format <= \(IdempotencyRecord.storageFormat)
                    AND (\(current).lease_owner IS NULL OR \(current).lease_owner = EXCLUDED.lease_owner
                        OR \(current).lease_expires_at <= \(now.timeIntervalSince1970))
                """), logger: self.logger).collect()
        }
        if let leased = leasedRows.first { return (try Self.decode(leased), true) }
        return (try await self.fetchRecord(key: unfinished ?? key, on: connection), false)
    }

    func fetchRecord(key: String, on connection: PostgresConnection) async throws -> IdempotencyRecord {
        let rows = try await connection.query("SELECT * FROM agentretry_record WHERE key = \(key)", logger: self.logger).collect()
        guard let row = rows.first else { throw PostgresStoreInconsistency(message: "record \(key) vanished") }
        return try Self.decode(row)
    }

    /// The lease-guarded write of a record's mutable columns: the lease must still be live at the
    /// record's `updatedAt`; the write renews it to the record's `leaseExpiresAt`, or gives it up.
    func write(_ record: IdempotencyRecord, owner: String, releasingLease: Bool) async throws(IdempotencyStoreError) {
        let outcome = record.outcome
        let leaseExpiry: Double? = releasingLease ? nil : (record.leaseExpiresAt ?? record.updatedAt).timeIntervalSince1970
        let leaseOwner: String? = releasingLease ? nil : owner
        let changed = try await self.rows(releasingLease ? "finish a record" : "write a record", """
            UPDATE agentretry_record SET state = \(record.state.rawValue), attempts = \(record.attempts),
                updated_at = \(record.updatedAt.timeIntervalSince1970), outcome_status = \(outcome?.status),
                outcome_headers = \(outcome.map { Self.encodeHeaders($0.headers) }), outcome_body = \(outcome.map { ByteBuffer(bytes: $0.body) }),
                anchor = \(record.anchor), request_fingerprint = \(record.requestFingerprint.rawValue),
                lease_owner = \(leaseOwner), lease_expires_at = \(leaseExpiry)
            WHERE key = \(record.key.rawValue) AND lease_owner = \(owner) AND lease_expires_at > \(record.updatedAt.timeIntervalSince1970)
                AND format <= \(IdempotencyRecord.storageFormat)
            RETURNING key
            """)
        guard changed.count == 1 else {
            throw IdempotencyStoreError(code: .leaseLost, message: "the lease on \(record.key) is no longer held by this caller")
        }
    }

    static func encodeHeaders(_ headers: [String: String]) -> String {
        String(decoding: JSONValue.object(headers.mapValues(JSONValue.string)).serialized(), as: UTF8.self)
    }
}

/// The database answered in a way its own constraints rule out.
struct PostgresStoreInconsistency: Error, Sendable, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}
