/// The sets of states the stores' rules speak of, derived from ``IdempotencyRecord/State`` so that no
/// store writes a state's name by hand.
extension IdempotencyRecord.State {
    /// Whether the call has ended (`succeeded`, `failed`, `conflict`): such a record is adopted
    /// under another key only when asked, and may be removed once its PSP retention is over.
    /// Unfinished records (`prepared`, `inFlight`, `pending`) are resumed and never removed.
    package var isFinished: Bool {
        switch self {
        case .prepared, .inFlight, .pending: false
        case .succeeded, .failed, .conflict: true
        }
    }

    /// `succeeded`, `failed` and `conflict`.
    package static let finished = Self.allCases.filter(\.isFinished)

    /// `prepared`, `inFlight` and `pending`.
    package static let unfinished = Self.allCases.filter { !$0.isFinished }

    /// `succeeded` and `failed` (``isTerminal``): never leased again by a first write.
    package static let terminal = Self.allCases.filter(\.isTerminal)

    /// The states' stored names as a list of SQL literals, `'prepared', 'inFlight'`, for `IN (...)`.
    package static func sqlList(_ states: [Self]) -> String {
        precondition(!states.isEmpty, "IN () is not SQL")
        return states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }
}
