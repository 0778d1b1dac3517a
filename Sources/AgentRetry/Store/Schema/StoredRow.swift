import Foundation

/// A row as a store hands it to the row codec (``IdempotencyRecord/init(_:)``): what it found in each
/// column, read as the column's ``StoreColumn/kind``. The codec turns a missing, unreadable or
/// `NULL` cell where a value must be into ``IdempotencyStoreError`` `corruptRecord`, naming the key.
package struct StoredRow {
    /// What a store found in one column of a row.
    package enum Cell {
        /// A value, `.null` included.
        case value(StoredValue)
        /// The row has no such column.
        case missing
        /// The cell does not read as the column's kind.
        case unreadable
    }

    private let cell: (StoreColumn) -> Cell
    /// The row's key, if it reads: what its errors name.
    let key: String?

    /// A row whose cells `cell` reads.
    package init(_ cell: @escaping (StoreColumn) -> Cell) {
        self.cell = cell
        self.key = if case .value(.text(let key)) = cell(.key) { key } else { nil }
    }

    /// A `corruptRecord` error naming the row's key.
    func corrupt(_ why: String) -> IdempotencyStoreError {
        IdempotencyStoreError(code: .corruptRecord, message: "record \(self.key ?? "?"): \(why)")
    }

    /// The column's value, `nil` for `NULL`.
    func optional<Value>(
        _ column: StoreColumn,
        _ read: (StoredValue) -> Value?
    ) throws(IdempotencyStoreError) -> Value? {
        switch self.cell(column) {
        case .missing: throw self.corrupt("column \(column) is missing")
        case .unreadable: throw self.corrupt("column \(column) is of the wrong type")
        case .value(.null): return nil
        case .value(let value):
            guard let read = read(value) else { throw self.corrupt("column \(column) is of the wrong type") }
            return read
        }
    }

    /// The column's value, which must not be `NULL`.
    func required<Value>(
        _ column: StoreColumn,
        _ read: (StoredValue) -> Value?
    ) throws(IdempotencyStoreError) -> Value {
        guard let value = try self.optional(column, read) else { throw self.corrupt("column \(column) is null") }
        return value
    }

    /// An instant stored as seconds since 1970, `nil` for `NULL`.
    func optionalDate(_ column: StoreColumn) throws(IdempotencyStoreError) -> Date? {
        try self.optional(column, \.real).map { Date(timeIntervalSince1970: $0) }
    }

    /// An instant stored as seconds since 1970.
    func date(_ column: StoreColumn) throws(IdempotencyStoreError) -> Date {
        Date(timeIntervalSince1970: try self.required(column, \.real))
    }
}
