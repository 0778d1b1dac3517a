import Foundation

/// The subset of Stripe's search query language the mock understands: clauses
/// `metadata['KEY']:'VALUE'` and `status:'VALUE'` (single or double quotes) joined by ` AND `.
/// Matching is exact, as Stripe's `:` is for these fields.
struct StripeSearchQuery: Equatable {
    /// One exact-match clause.
    enum Clause: Equatable {
        case metadata(key: String, value: String)
        case status(String)
    }

    /// Why a query was refused: Stripe's message for it.
    struct Invalid: Error {
        let message: String
    }

    /// The clauses, all of which must match.
    let clauses: [Clause]

    /// The longest query accepted, in characters.
    static let maximumLength = 1000

    /// Parses `text`, or throws with the reason it is not in the subset.
    init(_ text: String) throws(Invalid) {
        guard !text.isEmpty, text.count <= Self.maximumLength else {
            throw Invalid(message: "The query must be between 1 and \(Self.maximumLength) characters.")
        }
        var clauses: [Clause] = []
        for part in text.components(separatedBy: " AND ") {
            clauses.append(try Self.clause(part))
        }
        self.clauses = clauses
    }

    /// Whether `intent` matches every clause.
    func matches(_ intent: PaymentIntent) -> Bool {
        self.clauses.allSatisfy { clause in
            switch clause {
            case .metadata(let key, let value): intent.metadata[key] == value
            case .status(let status): intent.status == status
            }
        }
    }

    private static func clause(_ part: String) throws(Invalid) -> Clause {
        if part.hasPrefix("status:") {
            return .status(try Self.quoted(part.dropFirst("status:".count), in: part))
        }
        guard part.hasPrefix("metadata["), let close = part.firstIndex(of: "]") else {
            throw Self.unsupported(part)
        }
        let key = try Self.quoted(part[part.index(part.startIndex, offsetBy: 9)..<close], in: part)
        let rest = part[part.index(after: close)...]
        guard rest.first == ":", !key.isEmpty else { throw Self.unsupported(part) }
        return .metadata(key: key, value: try Self.quoted(rest.dropFirst(), in: part))
    }

    /// The text between matching quotes that make up all of `text`, with no quote inside.
    private static func quoted(_ text: Substring, in part: String) throws(Invalid) -> String {
        guard let quote = text.first, quote == "'" || quote == "\"", text.count >= 2, text.last == quote else {
            throw Self.unsupported(part)
        }
        let inner = text.dropFirst().dropLast()
        guard !inner.contains("'"), !inner.contains("\""), !inner.contains("\\") else {
            throw Self.unsupported(part)
        }
        return String(inner)
    }

    private static func unsupported(_ part: String) -> Invalid {
        let shown = part.count > 80 ? String(part.prefix(80)) + "..." : part
        return Invalid(
            message: "Invalid query clause: \(shown). The mock supports metadata['key']:'value' and "
                + "status:'value', joined by AND."
        )
    }
}
