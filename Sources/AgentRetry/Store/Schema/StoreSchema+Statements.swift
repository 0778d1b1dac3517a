import Foundation

/// The SQL both stores run, written once. Operands are statements, so that a store binds values
/// (`"\(owner)"`) and PostgreSQL's server-side first write passes its parameters (`"p_owner"`).
extension StoreSchema {
    /// `format <= storageFormat`: rows this version may read, lease, rewrite or remove.
    package static let storageFormat = StoreStatement(sql: "\(IdempotencyRecord.storageFormat)")

    /// The row is in a format up to `format` (``IdempotencyRecord/storageFormat``, or the caller's).
    package static func readable(upTo format: StoreStatement = Self.storageFormat) -> StoreStatement {
        "format <= \(format)"
    }

    /// The lease is free, expired at `now`, or `owner`'s, or `holderGone` holds (its holder is
    /// provably dead): `owner` may take it (compare-and-set).
    package static func leaseAvailable(
        to owner: StoreStatement,
        at now: StoreStatement,
        holderGone: StoreStatement? = nil
    ) -> StoreStatement {
        let free: StoreStatement = "lease_owner IS NULL OR lease_owner = \(owner) OR lease_expires_at <= \(now)"
        guard let holderGone else { return "(\(free))" }
        return "(\(free) OR \(holderGone))"
    }

    /// The lease holder's columns (``StoreColumn/leaseHolder``) set to `operands`, in that order.
    package static func assigningHolder(_ operands: [StoreStatement]) -> StoreStatement {
        precondition(operands.count == StoreColumn.leaseHolder.count, "one operand per holder column")
        return .joined(zip(StoreColumn.leaseHolder, operands).map { column, operand in "\(column) = \(operand)" })
    }

    /// `holder`'s values as bound operands, in ``StoreColumn/leaseHolder`` order (all `NULL` without one).
    package static func holderOperands(_ holder: LeaseHolder?) -> [StoreStatement] {
        StoreColumn.leaseHolder.map { .value(IdempotencyRecord.storedValue(of: $0, holder: holder)) }
    }

    /// The columns of the record with `key` (`*`, or `columns`).
    package func selectRecord(key: StoreStatement, columns: String = "*") -> StoreStatement {
        "SELECT \(sql: columns) FROM \(sql: self.recordTable) WHERE key = \(key)"
    }

    /// The newest record of an intent identity (newest created, then greatest key), optionally
    /// under a key other than `key` and in one of `states`; `columns` may end in PL/pgSQL's `INTO`.
    package func selectLatestRecord(
        identity: StoreStatement,
        otherThan key: StoreStatement? = nil,
        in states: [IdempotencyRecord.State]? = nil,
        columns: String = "*"
    ) -> StoreStatement {
        var statement: StoreStatement = """
            SELECT \(sql: columns) FROM \(sql: self.recordTable) WHERE intent_fingerprint = \(identity)
            """
        if let key { statement += " AND key <> \(key)" }
        if let states { statement += " AND state IN (\(states: states))" }
        return statement + " ORDER BY created_at DESC, key DESC LIMIT 1"
    }

    /// Inserts a whole row (`values` of `columns`, all of them unless a store's older function had
    /// fewer, in ``StoreColumn`` order) unless its key exists.
    package func insertRecord(
        _ values: [StoreStatement],
        columns: [StoreColumn] = StoreColumn.allCases
    ) -> StoreStatement {
        """
        INSERT INTO \(sql: self.recordTable) (\(sql: StoreColumn.names(columns))) VALUES (\(.joined(values)))
        ON CONFLICT (key) DO NOTHING
        """
    }

    /// Inserts `record` unless its key exists.
    package func insertRecord(_ record: IdempotencyRecord) -> StoreStatement {
        self.insertRecord(record.storedValues.map(StoreStatement.value))
    }

    /// Takes the lease of the record with `key` for `owner` until `expiry`, if it is available at
    /// `now` (or `holderGone` holds) and the row is readable; for a first write (`request` given),
    /// only if the record is not terminal and has that request fingerprint. With `holder` (operands
    /// in ``StoreColumn/leaseHolder`` order), the holder's columns are written too.
    package func takeLease(
        key: StoreStatement,
        owner: StoreStatement,
        until expiry: StoreStatement,
        now: StoreStatement,
        format: StoreStatement = StoreSchema.storageFormat,
        request: StoreStatement? = nil,
        holder: [StoreStatement]? = nil,
        holderGone: StoreStatement? = nil
    ) -> StoreStatement {
        var assignments: StoreStatement = "lease_owner = \(owner), lease_expires_at = \(expiry)"
        if let holder { assignments += ", \(Self.assigningHolder(holder))" }
        let available = Self.leaseAvailable(to: owner, at: now, holderGone: holderGone)
        var statement: StoreStatement = """
            UPDATE \(sql: self.recordTable) SET \(assignments)
            WHERE key = \(key) AND \(Self.readable(upTo: format)) AND \(available)
            """
        if let request {
            statement += """
                 AND request_fingerprint = \(request) AND state NOT IN (\(states: IdempotencyRecord.State.terminal))
                """
        }
        return statement
    }

    /// The write of `record`'s ``StoreColumn/mutable`` columns under `owner`'s lease, which must be
    /// live at the record's `updatedAt`; the lease is renewed to the record's `leaseExpiresAt` (its
    /// `updatedAt` without one) with `holder` as its holder, or given up.
    package func writeRecord(
        _ record: IdempotencyRecord,
        owner: String,
        releasingLease: Bool,
        holder: LeaseHolder?
    ) -> StoreStatement {
        let changes = StoreColumn.mutable.map { column -> StoreStatement in
            "\(column) = \(record.storedValue(of: column))"
        }
        let leaseOwner: String? = releasingLease ? nil : owner
        let leaseExpiry = releasingLease ? nil : record.leaseExpiresAt ?? record.updatedAt
        let leaseHolder = Self.assigningHolder(Self.holderOperands(releasingLease ? nil : holder))
        return """
            UPDATE \(sql: self.recordTable) SET \(.joined(changes)), lease_owner = \(leaseOwner), \
            lease_expires_at = \(leaseExpiry), \(leaseHolder)
            WHERE key = \(record.key.rawValue) AND lease_owner = \(owner) AND lease_expires_at > \(record.updatedAt)
                AND \(Self.readable())
            """
    }

    /// Gives the lease of the record with `key` up, if `owner` holds it.
    package func releaseLease(key: IdempotencyKey, owner: String) -> StoreStatement {
        """
        UPDATE \(sql: self.recordTable) SET lease_owner = NULL, lease_expires_at = NULL, \
        \(Self.assigningHolder(Self.holderOperands(nil)))
        WHERE key = \(key.rawValue) AND lease_owner = \(owner)
        """
    }

    /// Rows that may be removed: finished, PSP retention over before `cutoff`, readable, and no
    /// live lease at `now`.
    package static func removable(expiredBefore cutoff: Date, now: Date) -> StoreStatement {
        """
        state IN (\(states: IdempotencyRecord.State.finished)) AND psp_expires_at < \(cutoff) AND \(Self.readable())
            AND (lease_owner IS NULL OR lease_expires_at <= \(now))
        """
    }

    /// Inserts a setting unless it exists.
    package func insertSetting(named name: String, value: [UInt8]) -> StoreStatement {
        "INSERT INTO \(sql: self.settingTable) (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING"
    }

    /// A setting's value.
    package func selectSetting(named name: String) -> StoreStatement {
        "SELECT value FROM \(sql: self.settingTable) WHERE name = \(name)"
    }
}
