import Foundation
import GRDB

extension SQLiteIdempotencyStore {
    static let columnList = """
        (key, namespace, operation, intent_fingerprint, request_fingerprint, profile, state, attempts, created_at,
        updated_at, client_expires_at, psp_expires_at, outcome_status, outcome_headers, outcome_body, anchor,
        lease_owner, lease_expires_at)
        """
    static let placeholders = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    static func arguments(of record: IdempotencyRecord) -> StatementArguments {
        [
            record.key.rawValue, record.namespace, record.operation, record.intentFingerprint,
            record.requestFingerprint.rawValue, record.profile, record.state.rawValue, record.attempts,
            record.createdAt.timeIntervalSince1970, record.updatedAt.timeIntervalSince1970,
            record.clientExpiresAt.timeIntervalSince1970, record.pspExpiresAt.timeIntervalSince1970,
            record.outcome?.status, record.outcome.map { encodeHeaders($0.headers) }, record.outcome.map { Data($0.body) },
            record.anchor, record.leaseOwner, record.leaseExpiresAt?.timeIntervalSince1970,
        ]
    }

    /// The lease-guarded write of a record's mutable columns; returns the rows changed (0 or 1).
    static func write(_ record: IdempotencyRecord, owner: String, releasingLease: Bool, in db: Database) throws -> Int {
        let release = releasingLease ? ", lease_owner = NULL, lease_expires_at = NULL" : ""
        try db.execute(
            sql: """
                UPDATE idempotency_record SET state = ?, attempts = ?, updated_at = ?, outcome_status = ?,
                    outcome_headers = ?, outcome_body = ?, anchor = ?, request_fingerprint = ?\(release)
                WHERE key = ? AND lease_owner = ?
                """,
            arguments: [
                record.state.rawValue, record.attempts, record.updatedAt.timeIntervalSince1970, record.outcome?.status,
                record.outcome.map { encodeHeaders($0.headers) }, record.outcome.map { Data($0.body) }, record.anchor,
                record.requestFingerprint.rawValue, record.key.rawValue, owner,
            ])
        return db.changesCount
    }

    static func encodeHeaders(_ headers: [String: String]) -> String {
        String(decoding: JSONValue.object(headers.mapValues(JSONValue.string)).serialized(), as: UTF8.self)
    }

    /// Reads a row back; a row that does not read as a record is a typed error, and the row stays.
    static func decode(_ row: Row) throws(IdempotencyStoreError) -> IdempotencyRecord {
        let key: String? = row["key"]
        func corrupt(_ why: String) -> IdempotencyStoreError {
            IdempotencyStoreError(code: .corruptRecord, message: "record \(key ?? "?"): \(why)")
        }
        guard let key, let namespace: String = row["namespace"], let operation: String = row["operation"],
            let intent: String = row["intent_fingerprint"], let request: String = row["request_fingerprint"],
            let profile: String = row["profile"], let stateText: String = row["state"], let attempts: Int = row["attempts"],
            let created: Double = row["created_at"], let updated: Double = row["updated_at"],
            let clientExpiry: Double = row["client_expires_at"], let pspExpiry: Double = row["psp_expires_at"]
        else { throw corrupt("a required column is missing or of the wrong type") }
        guard let state = IdempotencyRecord.State(rawValue: stateText) else { throw corrupt("unknown state \(stateText)") }
        var outcome: IdempotencyRecord.Outcome?
        if let status: Int = row["outcome_status"] {
            let headersText: String = row["outcome_headers"] ?? "{}"
            guard let headers = (try? JSONValue(parsing: Array(headersText.utf8)))?.objectValue else { throw corrupt("unreadable outcome headers") }
            let body: Data = row["outcome_body"] ?? Data()
            outcome = .init(status: status, headers: headers.compactMapValues(\.stringValue), body: [UInt8](body))
        }
        let leaseExpiry: Double? = row["lease_expires_at"]
        return IdempotencyRecord(
            key: IdempotencyKey(rawValue: key), namespace: namespace, operation: operation, intentFingerprint: intent,
            requestFingerprint: RequestFingerprint(rawValue: request), profile: profile, state: state, attempts: attempts,
            createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated),
            clientExpiresAt: Date(timeIntervalSince1970: clientExpiry), pspExpiresAt: Date(timeIntervalSince1970: pspExpiry),
            outcome: outcome, anchor: row["anchor"], leaseOwner: row["lease_owner"],
            leaseExpiresAt: leaseExpiry.map { Date(timeIntervalSince1970: $0) }
        )
    }
}
