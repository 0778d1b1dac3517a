import AgentRetry
import Foundation
import NIOCore
import PostgresNIO

/// The PostgreSQL side of the shared schema: statements rendered with `$1`... placeholders, values
/// bound as PostgresNIO binds them, and rows read as the row codec's cells.
extension PostgresIdempotencyStore {
    /// The tables' names and PostgreSQL's types.
    static let schema = StoreSchema.postgres

    /// `statement` as PostgresNIO runs it. Every value is bound, never written into the text.
    static func query(_ statement: StoreStatement) -> PostgresQuery {
        var binds = PostgresBindings(capacity: statement.values.count)
        for value in statement.values {
            switch value {
            case .null: binds.appendNull()
            case .text(let text): binds.append(text)
            case .integer(let integer): binds.append(integer)
            case .real(let real): binds.append(real)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            case .boolean(let flag): binds.append(flag)
            }
        }
        return PostgresQuery(unsafeSQL: statement.sql { "$\($0)" }, binds: binds)
    }

    /// Reads a row back; a row that does not read as a record is a typed error naming its key, and
    /// the row stays as it is.
    static func decode(_ row: PostgresRow) throws(IdempotencyStoreError) -> IdempotencyRecord {
        let cells = row.makeRandomAccess()
        return try IdempotencyRecord(StoredRow { column in Self.cell(column, of: cells) })
    }

    /// What `cells` hold in `column`, read as the column's kind.
    static func cell(_ column: StoreColumn, of cells: PostgresRandomAccessRow) -> StoredRow.Cell {
        Self.cell(named: column.name, kind: column.kind, of: cells)
    }

    /// What `cells` hold in the column `name`, read as `kind`.
    static func cell(named name: String, kind: StoreColumn.Kind, of cells: PostgresRandomAccessRow) -> StoredRow.Cell {
        guard cells.contains(name) else { return .missing }
        let cell = cells[name]
        guard cell.bytes != nil else { return .value(.null) }
        do {
            return switch kind {
            case .text: .value(.text(try cell.decode(String.self)))
            case .integer, .integer32: .value(.integer(try cell.decode(Int.self)))
            case .real: .value(.real(try cell.decode(Double.self)))
            case .blob: .value(.blob(Array(try cell.decode(ByteBuffer.self).readableBytesView)))
            }
        } catch {
            return .unreadable
        }
    }

    /// The first write of a call: one call of `agentretry_insert_and_lease` (see the schema), one
    /// round trip, one commit.
    static func insertAndLeaseCall(
        _ record: IdempotencyRecord,
        owner: String,
        leaseExpiresAt: Date,
        now: Date,
        adoptingFinished: Bool,
        holder: LeaseHolder
    ) -> StoreStatement {
        // The holder's operands after the owner: its process and its session.
        let arguments =
            record.storedValues.map(StoreStatement.value) + [
                "\(owner)", "\(leaseExpiresAt)", "\(now)", "\(adoptingFinished)",
            ] + StoreSchema.holderOperands(holder).dropFirst()
        return "SELECT f.leased, (f.rec).* FROM \(sql: Self.insertAndLeaseName)(\(.joined(arguments))) AS f"
    }

    /// The lease-guarded write of a record's mutable columns
    /// (``AgentRetry/StoreSchema/writeRecord(_:owner:releasingLease:)``).
    func write(_ record: IdempotencyRecord, owner: String, releasingLease: Bool) async throws(IdempotencyStoreError) {
        let what = releasingLease ? "finish a record" : "write a record"
        let rows = try await self.rows(what, holding: owner) { holder in
            Self.schema.writeRecord(record, owner: owner, releasingLease: releasingLease, holder: holder)
                + " RETURNING key"
        }
        guard rows.count == 1 else {
            throw IdempotencyStoreError(
                code: .leaseLost,
                message: "the lease on \(record.key) is no longer held by this caller"
            )
        }
    }

    /// A lease whose holder's session has ended: the holder recorded for the current owner names a
    /// lease session key, and this transaction can take that key's advisory lock, so no session
    /// holds it (``PostgresLeaseSession``). The lock taken is the transaction's own, released at
    /// its commit. A key outside 32 bits, which no session records, never ends.
    ///
    /// A session may take a lock it already holds, so a lock this connection itself holds (behind a
    /// pooler in transaction mode, the lease session's statements and a taker's may share one
    /// server connection) counts as held: checked first, in `pg_locks`, which every role may read.
    package static var holderSessionEnded: StoreStatement {
        let lockClass = StoreStatement(sql: "\(PostgresLeaseSession.lockClass)")
        return """
            (lease_holder_owner = lease_owner AND CASE
                WHEN lease_holder_session IS NULL OR lease_holder_session NOT BETWEEN -2147483648 AND 2147483647
                    THEN false
                WHEN EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'
                    AND objsubid = 2 AND classid = CAST(\(lockClass) AS oid)
                    AND objid = CAST(CAST(lease_holder_session AS integer) AS oid))
                    THEN false
                ELSE pg_try_advisory_xact_lock(\(lockClass), CAST(lease_holder_session AS integer)) END)
            """
    }
}
