import Foundation
import GRDB

extension SQLiteIdempotencyStore {
    static let columnList = """
        (key, namespace, operation, intent_fingerprint, request_fingerprint, profile, state, attempts, created_at,
        updated_at, client_expires_at, psp_expires_at, outcome_status, outcome_headers, outcome_body, anchor,
        lease_owner, lease_expires_at, format)
        """
    static let placeholders = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    static func arguments(of record: IdempotencyRecord) -> StatementArguments {
        [
            record.key.rawValue, record.namespace, record.operation, record.intentFingerprint,
            record.requestFingerprint.rawValue, record.profile, record.state.rawValue, record.attempts,
            record.createdAt.timeIntervalSince1970, record.updatedAt.timeIntervalSince1970,
            record.clientExpiresAt.timeIntervalSince1970, record.pspExpiresAt.timeIntervalSince1970,
            record.outcome?.status, record.outcome.map { IdempotencyRecord.storedHeaders($0.headers) }, record.outcome.map { Data($0.body) },
            record.anchor, record.leaseOwner, record.leaseExpiresAt?.timeIntervalSince1970, IdempotencyRecord.storageFormat,
        ]
    }

    /// The lease-guarded write of a record's mutable columns; returns the rows changed (0 or 1).
    static func write(_ record: IdempotencyRecord, owner: String, releasingLease: Bool, in db: Database) throws -> Int {
        // The lease must still be live at the record's updatedAt; a write renews it to the record's
        // leaseExpiresAt, or gives it up.
        let lease = releasingLease ? "lease_owner = NULL, lease_expires_at = NULL" : "lease_expires_at = ?"
        var arguments: StatementArguments = [
            record.state.rawValue, record.attempts, record.updatedAt.timeIntervalSince1970, record.outcome?.status,
            record.outcome.map { IdempotencyRecord.storedHeaders($0.headers) }, record.outcome.map { Data($0.body) }, record.anchor,
            record.requestFingerprint.rawValue,
        ]
        if !releasingLease {
            arguments += [(record.leaseExpiresAt ?? record.updatedAt).timeIntervalSince1970]
        }
        arguments += [record.key.rawValue, owner, record.updatedAt.timeIntervalSince1970]
        try db.execute(
            sql: """
                UPDATE idempotency_record SET state = ?, attempts = ?, updated_at = ?, outcome_status = ?,
                    outcome_headers = ?, outcome_body = ?, anchor = ?, request_fingerprint = ?, \(lease)
                WHERE key = ? AND lease_owner = ? AND lease_expires_at > ? AND format <= \(IdempotencyRecord.storageFormat)
                """,
            arguments: arguments)
        return db.changesCount
    }


    /// Reads a row back; a row that does not read as a record is a typed error, and the row stays.
    static func decode(_ row: Row) throws(IdempotencyStoreError) -> IdempotencyRecord {
        let key: String? = (try? row.decode(String?.self, forColumn: "key")) ?? nil
        func corrupt(_ why: String) -> IdempotencyStoreError {
            IdempotencyStoreError(code: .corruptRecord, message: "record \(key ?? "?"): \(why)")
        }
        func column<Value: DatabaseValueConvertible>(_ name: String, as type: Value.Type = Value.self) throws(IdempotencyStoreError) -> Value {
            guard let value = (try? row.decode(Value?.self, forColumn: name)) ?? nil else {
                throw corrupt("column \(name) is missing or of the wrong type")
            }
            return value
        }
        func optional<Value: DatabaseValueConvertible>(_ name: String, as type: Value.Type = Value.self) throws(IdempotencyStoreError) -> Value? {
            do {
                return try row.decode(Value?.self, forColumn: name)
            } catch {
                throw corrupt("column \(name) is of the wrong type")
            }
        }
        try IdempotencyRecord.checkStoredFormat(try column("format"), key: key)
        let state = try IdempotencyRecord.storedState(try column("state"), key: key)
        var outcome: IdempotencyRecord.Outcome?
        if let status: Int = try optional("outcome_status") {
            let body: Data = try optional("outcome_body") ?? Data()
            outcome = try IdempotencyRecord.storedOutcome(status: status, headers: try optional("outcome_headers"), body: [UInt8](body), key: key)
        }
        let leaseExpiry: Double? = try optional("lease_expires_at")
        return IdempotencyRecord(
            key: IdempotencyKey(rawValue: try column("key")), namespace: try column("namespace"), operation: try column("operation"),
            intentFingerprint: try column("intent_fingerprint"),
            requestFingerprint: RequestFingerprint(rawValue: try column("request_fingerprint")), profile: try column("profile"),
            state: state, attempts: try column("attempts"),
            createdAt: Date(timeIntervalSince1970: try column("created_at", as: Double.self)),
            updatedAt: Date(timeIntervalSince1970: try column("updated_at", as: Double.self)),
            clientExpiresAt: Date(timeIntervalSince1970: try column("client_expires_at", as: Double.self)),
            pspExpiresAt: Date(timeIntervalSince1970: try column("psp_expires_at", as: Double.self)),
            outcome: outcome, anchor: try optional("anchor"), leaseOwner: try optional("lease_owner"),
            leaseExpiresAt: leaseExpiry.map { Date(timeIntervalSince1970: $0) }
        )
    }
}
