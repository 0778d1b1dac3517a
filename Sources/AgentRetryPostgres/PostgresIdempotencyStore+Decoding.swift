import AgentRetry
import Foundation
import NIOCore
import PostgresNIO

extension PostgresIdempotencyStore {
    /// Reads a row back; a row that does not read as a record is a typed error naming its key, and
    /// the row stays as it is.
    static func decode(_ row: PostgresRow) throws(IdempotencyStoreError) -> IdempotencyRecord {
        let cells = row.makeRandomAccess()
        let key: String? = cells.contains("key") ? (try? cells["key"].decode(String?.self)) ?? nil : nil
        func corrupt(_ why: String) -> IdempotencyStoreError {
            IdempotencyStoreError(code: .corruptRecord, message: "record \(key ?? "?"): \(why)")
        }
        func column<Value: PostgresDecodable>(_ name: String, as type: Value.Type = Value.self) throws(IdempotencyStoreError) -> Value {
            guard let value = try optional(name, as: Value.self) else { throw corrupt("column \(name) is null") }
            return value
        }
        func optional<Value: PostgresDecodable>(_ name: String, as type: Value.Type = Value.self) throws(IdempotencyStoreError) -> Value? {
            guard cells.contains(name) else { throw corrupt("column \(name) is missing") }
            let cell = cells[name]
            guard cell.bytes != nil else { return nil }
            do {
                return try cell.decode(Value.self)
            } catch {
                throw corrupt("column \(name) is of the wrong type")
            }
        }
        func date(_ name: String) throws(IdempotencyStoreError) -> Date {
            Date(timeIntervalSince1970: try column(name, as: Double.self))
        }

        try IdempotencyRecord.checkStoredFormat(try column("format"), key: key)
        let state = try IdempotencyRecord.storedState(try column("state"), key: key)
        var outcome: IdempotencyRecord.Outcome?
        if let status: Int = try optional("outcome_status") {
            let body: ByteBuffer = try optional("outcome_body") ?? ByteBuffer()
            outcome = try IdempotencyRecord.storedOutcome(status: status, headers: try optional("outcome_headers"),
                body: Array(body.readableBytesView), key: key)
        }
        let leaseExpiry: Double? = try optional("lease_expires_at")
        return IdempotencyRecord(
            key: IdempotencyKey(rawValue: try column("key")), namespace: try column("namespace"), operation: try column("operation"),
            intentFingerprint: try column("intent_fingerprint"),
            requestFingerprint: RequestFingerprint(rawValue: try column("request_fingerprint")), profile: try column("profile"),
            state: state, attempts: try column("attempts"),
            createdAt: try date("created_at"), updatedAt: try date("updated_at"),
            clientExpiresAt: try date("client_expires_at"), pspExpiresAt: try date("psp_expires_at"),
            outcome: outcome, anchor: try optional("anchor"), leaseOwner: try optional("lease_owner"),
            leaseExpiresAt: leaseExpiry.map { Date(timeIntervalSince1970: $0) }
        )
    }
}
