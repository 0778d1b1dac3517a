import Foundation
import GRDB

/// The SQLite side of the shared schema: statements rendered with `?` placeholders, values bound as
/// GRDB values, and rows read as the row codec's cells.
extension SQLiteIdempotencyStore {
    /// The tables' names and SQLite's types.
    static let schema = StoreSchema.sqlite

    /// The schema's versions, applied in order on first use: the records table without `format`
    /// and the settings, then `format` with the expiry index, then the lease holder's columns, then the webhook inbox.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(Self.firstMigration) { db in
            try db.execute(sql: Self.schema.createRecordTable(StoreColumn.withoutLeaseHolder.filter { $0 != .format }))
            try db.execute(sql: Self.schema.createIdentityIndex)
            try db.execute(sql: Self.schema.createSettingTable)
        }
        migrator.registerMigration("v2: record format") { db in
            try db.execute(sql: Self.schema.addColumn(.format))
            try db.execute(sql: Self.schema.createExpiryIndex)
        }
        migrator.registerMigration("v3: lease holders") { db in
            for column in StoreColumn.leaseHolder { try db.execute(sql: Self.schema.addColumn(column)) }
        }
        migrator.registerMigration("v4: webhook inbox") { db in
            for statement in Self.schema.createInbox { try db.execute(sql: statement) }
        }
        return migrator
    }

    /// Runs `statement`; returns how many rows it changed.
    @discardableResult
    static func execute(_ statement: StoreStatement, in db: Database) throws -> Int {
        try db.execute(sql: statement.sql { _ in "?" }, arguments: Self.arguments(statement.values))
        return db.changesCount
    }

    /// Runs the query `statement` and reads its first row as a record.
    static func fetchRecord(_ statement: StoreStatement, in db: Database) throws -> IdempotencyRecord? {
        let row = try Row.fetchOne(db, sql: statement.sql { _ in "?" }, arguments: Self.arguments(statement.values))
        return try row.map(Self.decode)
    }

    /// Runs the query `statement` and reads its first row's first column.
    static func fetchValue<Value: DatabaseValueConvertible>(
        _ type: Value.Type,
        _ statement: StoreStatement,
        in db: Database
    ) throws -> Value? {
        try Value.fetchOne(db, sql: statement.sql { _ in "?" }, arguments: Self.arguments(statement.values))
    }

    /// The values as GRDB binds them.
    static func arguments(_ values: [StoredValue]) -> StatementArguments {
        StatementArguments(
            values.map { value -> DatabaseValue in
                switch value {
                case .null: .null
                case .text(let text): text.databaseValue
                case .integer(let integer): integer.databaseValue
                case .real(let real): real.databaseValue
                case .blob(let bytes): Data(bytes).databaseValue
                case .boolean(let flag): flag.databaseValue
                }
            }
        )
    }

    /// Reads a row back; a row that does not read as a record is a typed error, and the row stays.
    static func decode(_ row: Row) throws(IdempotencyStoreError) -> IdempotencyRecord {
        try IdempotencyRecord(StoredRow { column in Self.cell(column, of: row) })
    }

    /// What `row` holds in `column`, read as the column's kind.
    static func cell(_ column: StoreColumn, of row: Row) -> StoredRow.Cell {
        Self.cell(named: column.name, kind: column.kind, of: row)
    }

    /// What `row` holds in the column `name`, read as `kind`.
    static func cell(named name: String, kind: StoreColumn.Kind, of row: Row) -> StoredRow.Cell {
        guard row.hasColumn(name) else { return .missing }
        do {
            let value: StoredValue? =
                switch kind {
                case .text: try row.decode(String?.self, forColumn: name).map { .text($0) }
                case .integer, .integer32: try row.decode(Int?.self, forColumn: name).map { .integer($0) }
                case .real: try row.decode(Double?.self, forColumn: name).map { .real($0) }
                case .blob: try row.decode(Data?.self, forColumn: name).map { .blob([UInt8]($0)) }
                }
            return .value(value ?? .null)
        } catch {
            return .unreadable
        }
    }
}
