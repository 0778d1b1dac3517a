/// The stores' tables as each database spells them: the records table (``StoreColumn``), its two
/// indexes, and the settings table. Each store's migrations are built from these, and every
/// statement the stores share (`StoreSchema+Statements.swift`) is written against them.
package struct StoreSchema: Sendable {
    enum Dialect: Sendable {
        case sqlite
        case postgres
    }

    let dialect: Dialect
    /// The records table's name.
    package let recordTable: String
    /// The settings table's name.
    package let settingTable: String

    /// SQLite's names (the embedded store's, since its first version).
    package static let sqlite = StoreSchema(
        dialect: .sqlite,
        recordTable: "idempotency_record",
        settingTable: "setting"
    )
    /// PostgreSQL's names: prefixed, as the tables share a database with others.
    package static let postgres = StoreSchema(
        dialect: .postgres,
        recordTable: "agentretry_record",
        settingTable: "agentretry_setting"
    )

    /// The database's type for a column of `kind`.
    package func type(of kind: StoreColumn.Kind) -> String {
        switch (self.dialect, kind) {
        case (.sqlite, .text): "TEXT"
        case (.sqlite, .integer), (.sqlite, .integer32): "INTEGER"
        case (.sqlite, .real): "DOUBLE"
        case (.sqlite, .blob): "BLOB"
        case (.postgres, .text): "text"
        case (.postgres, .integer): "bigint"
        case (.postgres, .integer32): "integer"
        case (.postgres, .real): "double precision"
        case (.postgres, .blob): "bytea"
        }
    }

    /// The type a value bound for a column of `kind` has: a Swift `Int` is bound as 64 bits.
    package func parameterType(of kind: StoreColumn.Kind) -> String {
        self.type(of: kind == .integer32 ? .integer : kind)
    }

    /// A column's definition in `CREATE TABLE` or `ADD COLUMN`.
    package func definition(of column: StoreColumn) -> String {
        var definition = "\(column.name) \(self.type(of: column.kind))"
        if column == .key { definition += " PRIMARY KEY" }
        if !column.isNullable { definition += " NOT NULL" }
        if let value = column.defaultValue { definition += " DEFAULT \(value)" }
        return definition
    }

    /// `CREATE TABLE` of the records table with `columns` (all of them, unless a store's first
    /// migration had fewer).
    package func createRecordTable(_ columns: [StoreColumn] = StoreColumn.allCases) -> String {
        let definitions = columns.map { "    " + self.definition(of: $0) }.joined(separator: ",\n")
        return "CREATE TABLE \(self.recordTable) (\n\(definitions)\n)"
    }

    /// `ALTER TABLE ... ADD COLUMN`, for a column a later migration added.
    package func addColumn(_ column: StoreColumn) -> String {
        "ALTER TABLE \(self.recordTable) ADD COLUMN \(self.definition(of: column))"
    }

    /// The index of an intent identity's records, newest last: the first write's look-up.
    package var createIdentityIndex: String {
        "CREATE INDEX \(self.recordTable)_identity ON \(self.recordTable) (intent_fingerprint, created_at)"
    }

    /// The index of records by PSP expiry: the removal of finished records.
    package var createExpiryIndex: String {
        "CREATE INDEX \(self.recordTable)_expiry ON \(self.recordTable) (psp_expires_at)"
    }

    /// `CREATE TABLE` of the settings: a name and its bytes.
    package var createSettingTable: String {
        let (text, blob) = (self.type(of: .text), self.type(of: .blob))
        return "CREATE TABLE \(self.settingTable) (name \(text) PRIMARY KEY NOT NULL, value \(blob) NOT NULL)"
    }
}
