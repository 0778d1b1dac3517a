import AgentRetry
import Foundation
import NIOCore
import PostgresNIO

extension PostgresIdempotencyStore {
    /// `INSERT` of a whole record unless its key exists, returning it when inserted.
    static func insert(_ record: IdempotencyRecord) -> PostgresQuery {
        let outcome = record.outcome
        return """
            INSERT INTO agentretry_record (key, namespace, operation, intent_fingerprint, request_fingerprint, profile, state,
                attempts, created_at, updated_at, client_expires_at, psp_expires_at, outcome_status, outcome_headers, outcome_body,
                anchor, lease_owner, lease_expires_at, format)
            VALUES (\(record.key.rawValue), \(record.namespace), \(record.operation), \(record.intentFingerprint),
                \(record.requestFingerprint.rawValue), \(record.profile), \(record.state.rawValue), \(record.attempts),
                \(record.createdAt.timeIntervalSince1970), \(record.updatedAt.timeIntervalSince1970),
                \(record.clientExpiresAt.timeIntervalSince1970), \(record.pspExpiresAt.timeIntervalSince1970),
                \(outcome?.status), \(outcome.map { IdempotencyRecord.storedHeaders($0.headers) }), \(outcome.map { ByteBuffer(bytes: $0.body) }),
                \(record.anchor), \(record.leaseOwner), \(record.leaseExpiresAt?.timeIntervalSince1970), \(IdempotencyRecord.storageFormat))
            ON CONFLICT (key) DO NOTHING
            RETURNING *
            """
    }

    /// The first write of a call: one call of `agentretry_insert_and_lease` (see the schema), one
    /// round trip, one commit.
    func insertAndLeaseQuery(
        _ record: IdempotencyRecord, owner: String, leaseExpiresAt: Date, now: Date, adoptingFinished: Bool
    ) -> PostgresQuery {
        let outcome = record.outcome
        return """
            SELECT f.leased, (f.rec).* FROM agentretry_insert_and_lease(\(record.key.rawValue), \(record.namespace), \(record.operation),
                \(record.intentFingerprint), \(record.requestFingerprint.rawValue), \(record.profile), \(record.state.rawValue),
                \(record.attempts), \(record.createdAt.timeIntervalSince1970), \(record.updatedAt.timeIntervalSince1970),
                \(record.clientExpiresAt.timeIntervalSince1970), \(record.pspExpiresAt.timeIntervalSince1970), \(outcome?.status),
                \(outcome.map { IdempotencyRecord.storedHeaders($0.headers) }), \(outcome.map { ByteBuffer(bytes: $0.body) }), \(record.anchor),
                \(record.leaseOwner), \(record.leaseExpiresAt?.timeIntervalSince1970), \(IdempotencyRecord.storageFormat),
                \(owner), \(leaseExpiresAt.timeIntervalSince1970), \(now.timeIntervalSince1970), \(adoptingFinished)) AS f
            """
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
                outcome_headers = \(outcome.map { IdempotencyRecord.storedHeaders($0.headers) }), outcome_body = \(outcome.map { ByteBuffer(bytes: $0.body) }),
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
}
