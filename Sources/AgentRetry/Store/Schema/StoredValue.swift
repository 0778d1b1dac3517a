/// One value a store binds to a statement or reads from a row, in terms both databases have.
package enum StoredValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// Text.
    case text(String)
    /// An integer.
    case integer(Int)
    /// A double.
    case real(Double)
    /// Bytes.
    case blob([UInt8])
    /// A boolean (bound only: PostgreSQL's function takes one).
    case boolean(Bool)

    /// The text, for `.text`.
    package var text: String? { if case .text(let text) = self { text } else { nil } }
    /// The integer, for `.integer`.
    package var integer: Int? { if case .integer(let integer) = self { integer } else { nil } }
    /// The double, for `.real`.
    package var real: Double? { if case .real(let real) = self { real } else { nil } }
    /// The bytes, for `.blob`.
    package var blob: [UInt8]? { if case .blob(let blob) = self { blob } else { nil } }
}
