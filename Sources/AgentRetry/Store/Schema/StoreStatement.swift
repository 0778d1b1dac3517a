import Foundation

/// A SQL statement, or a piece of one, that either store can run: its text, with the values it
/// binds kept apart until a store renders them as its placeholders (`?` for SQLite, `$1`... for
/// PostgreSQL). Pieces compose by interpolation, so the SQL both stores share is written once.
///
/// An interpolated value (`\(record.attempts)`) is bound; `\(sql: text)` and `\(column)` are SQL
/// text; `\(states: ...)` is a list of state literals made from ``IdempotencyRecord/State``; a
/// statement interpolated into another is spliced in, with its values.
package struct StoreStatement: Sendable, ExpressibleByStringInterpolation {
    enum Piece: Sendable {
        case text(String)
        case value(StoredValue)
    }

    private(set) var pieces: [Piece]

    /// SQL text that binds nothing.
    package init(sql: String) {
        self.pieces = [.text(sql)]
    }

    /// SQL text that binds nothing.
    package init(stringLiteral value: String) {
        self.init(sql: value)
    }

    /// A statement built by interpolation.
    package init(stringInterpolation: Interpolation) {
        self.pieces = stringInterpolation.pieces
    }

    /// One bound value.
    package static func value(_ value: StoredValue) -> StoreStatement {
        var statement = StoreStatement(sql: "")
        statement.pieces = [.value(value)]
        return statement
    }

    /// `parts`, separated by `separator`.
    package static func joined(_ parts: [StoreStatement], separator: String = ", ") -> StoreStatement {
        var statement = StoreStatement(sql: "")
        for (index, part) in parts.enumerated() {
            if index > 0 { statement.pieces.append(.text(separator)) }
            statement.pieces += part.pieces
        }
        return statement
    }

    /// Appends `other`.
    package static func += (statement: inout StoreStatement, other: StoreStatement) {
        statement.pieces += other.pieces
    }

    /// `statement` followed by `other`.
    package static func + (statement: StoreStatement, other: StoreStatement) -> StoreStatement {
        var joined = statement
        joined += other
        return joined
    }

    /// The values bound, in the order of their placeholders.
    package var values: [StoredValue] {
        self.pieces.compactMap { if case .value(let value) = $0 { value } else { nil } }
    }

    /// The SQL text, with the `n`th value (from 1) written as `placeholder(n)`.
    package func sql(placeholder: (Int) -> String) -> String {
        var text = ""
        var count = 0
        for piece in self.pieces {
            switch piece {
            case .text(let sql):
                text += sql
            case .value:
                count += 1
                text += placeholder(count)
            }
        }
        return text
    }

    /// The SQL text of a statement that binds nothing (a schema's, a server-side function's).
    package var sql: String {
        precondition(self.values.isEmpty, "a statement that binds values needs placeholders")
        return self.sql { _ in "" }
    }
}

extension StoreStatement {
    /// Builds a statement from literal SQL and interpolated values and pieces.
    package struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        /// An empty statement.
        package init(literalCapacity: Int, interpolationCount: Int) {}

        /// SQL text.
        package mutating func appendLiteral(_ literal: String) {
            self.pieces.append(.text(literal))
        }

        /// SQL text (a table's name, a constant).
        package mutating func appendInterpolation(sql: String) {
            self.pieces.append(.text(sql))
        }

        /// A column's name.
        package mutating func appendInterpolation(_ column: StoreColumn) {
            self.pieces.append(.text(column.name))
        }

        /// `'prepared', 'inFlight', ...`: the states' stored names as SQL literals.
        package mutating func appendInterpolation(states: [IdempotencyRecord.State]) {
            self.pieces.append(.text(IdempotencyRecord.State.sqlList(states)))
        }

        /// A statement spliced in, with its values.
        package mutating func appendInterpolation(_ statement: StoreStatement) {
            self.pieces += statement.pieces
        }

        /// A bound value.
        package mutating func appendInterpolation(_ value: StoredValue) {
            self.pieces.append(.value(value))
        }

        /// Bound text, or `NULL`.
        package mutating func appendInterpolation(_ text: String?) {
            self.pieces.append(.value(text.map(StoredValue.text) ?? .null))
        }

        /// A bound integer, or `NULL`.
        package mutating func appendInterpolation(_ integer: Int?) {
            self.pieces.append(.value(integer.map(StoredValue.integer) ?? .null))
        }

        /// A bound instant (seconds since 1970, as every instant is stored), or `NULL`.
        package mutating func appendInterpolation(_ date: Date?) {
            self.pieces.append(.value(date.map { .real($0.timeIntervalSince1970) } ?? .null))
        }

        /// Bound bytes.
        package mutating func appendInterpolation(_ bytes: [UInt8]) {
            self.pieces.append(.value(.blob(bytes)))
        }

        /// A bound boolean.
        package mutating func appendInterpolation(_ flag: Bool) {
            self.pieces.append(.value(.boolean(flag)))
        }
    }
}
