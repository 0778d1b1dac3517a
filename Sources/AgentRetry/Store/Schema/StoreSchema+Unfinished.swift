import Foundation

/// The listing of unfinished records that reconciliation starts from, in both stores' SQL.
extension StoreSchema {
    /// Up to `limit` readable unfinished records (`prepared`, `inFlight`, `pending`) whose key is
    /// greater than `after` (all, without it), in key order: one page of a listing by key.
    package func selectUnfinishedRecords(after key: IdempotencyKey?, limit: Int) -> StoreStatement {
        var statement: StoreStatement = """
            SELECT * FROM \(sql: self.recordTable)
            WHERE state IN (\(states: IdempotencyRecord.State.unfinished)) AND \(Self.readable())
            """
        if let key { statement += " AND \(sql: self.keyInByteOrder) > \(key.rawValue)" }
        return statement + " ORDER BY \(sql: self.keyInByteOrder) LIMIT \(sql: "\(max(1, limit))")"
    }

    /// The key compared as bytes: SQLite's default collation, PostgreSQL's `"C"` (its database's
    /// default may be a locale's).
    var keyInByteOrder: String {
        switch self.dialect {
        case .sqlite: "key"
        case .postgres: "key COLLATE \"C\""
        }
    }
}
