/// A column of the records table, in the table's order: the one description of the stored form
/// that the SQLite and PostgreSQL stores create their tables from, write their rows with, and read
/// them back by (``IdempotencyRecord/storedValue(of:)`` and ``IdempotencyRecord/init(_:)``).
///
/// A store's migrations build its tables from these descriptions, so a column that changes, comes
/// or goes needs a new migration in each store (and a new ``IdempotencyRecord/storageFormat`` if
/// older code could misread the rows), never an edit of what an old migration creates.
package enum StoreColumn: String, CaseIterable, Sendable, CustomStringConvertible {
    case key
    case namespace
    case operation
    case intentFingerprint = "intent_fingerprint"
    case requestFingerprint = "request_fingerprint"
    case profile
    case state
    case attempts
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case clientExpiresAt = "client_expires_at"
    case pspExpiresAt = "psp_expires_at"
    case outcomeStatus = "outcome_status"
    case outcomeHeaders = "outcome_headers"
    case outcomeBody = "outcome_body"
    case anchor
    case leaseOwner = "lease_owner"
    case leaseExpiresAt = "lease_expires_at"
    case format
    case leaseHolderOwner = "lease_holder_owner"
    case leaseHolderHost = "lease_holder_host"
    case leaseHolderBootID = "lease_holder_boot_id"
    case leaseHolderPIDNamespace = "lease_holder_pid_namespace"
    case leaseHolderPID = "lease_holder_pid"
    case leaseHolderStartTime = "lease_holder_start_time"
    case leaseHolderSession = "lease_holder_session"

    /// What a column holds, whatever the database calls it.
    package enum Kind: Sendable, Hashable {
        /// UTF-8 text.
        case text
        /// A 64-bit integer.
        case integer
        /// A 32-bit integer.
        case integer32
        /// A double: instants are seconds since 1970.
        case real
        /// Bytes.
        case blob
    }

    /// The column's SQL name.
    package var name: String { self.rawValue }

    /// The column's SQL name.
    package var description: String { self.rawValue }

    /// What the column holds.
    package var kind: Kind {
        switch self {
        case .key, .namespace, .operation, .intentFingerprint, .requestFingerprint, .profile, .state, .outcomeHeaders,
            .anchor, .leaseOwner, .leaseHolderOwner, .leaseHolderHost, .leaseHolderBootID, .leaseHolderPIDNamespace:
            .text
        case .attempts, .outcomeStatus, .leaseHolderPID, .leaseHolderStartTime, .leaseHolderSession: .integer
        case .format: .integer32
        case .createdAt, .updatedAt, .clientExpiresAt, .pspExpiresAt, .leaseExpiresAt: .real
        case .outcomeBody: .blob
        }
    }

    /// Whether the column may be `NULL`: the outcome's, the anchor's and the lease's may.
    package var isNullable: Bool {
        switch self {
        case .outcomeStatus, .outcomeHeaders, .outcomeBody, .anchor, .leaseOwner, .leaseExpiresAt: true
        default: Self.leaseHolder.contains(self)
        }
    }

    /// The lease holder's columns (``LeaseHolder``), in order: the owner they were recorded for, the
    /// process (host, boot id, pid namespace, pid, start time) and the database session. Added by
    /// each store's migration for holders that died (SQLite's v3, PostgreSQL's 2).
    package static let leaseHolder: [StoreColumn] = [
        .leaseHolderOwner, .leaseHolderHost, .leaseHolderBootID, .leaseHolderPIDNamespace, .leaseHolderPID,
        .leaseHolderStartTime, .leaseHolderSession,
    ]

    /// The columns before the lease holder's: PostgreSQL's first version.
    package static let withoutLeaseHolder = Self.allCases.filter { !Self.leaseHolder.contains($0) }

    /// The value of rows written before the column existed: format 1 for `format`.
    package var defaultValue: String? { self == .format ? "1" : nil }

    /// The columns a write under a lease changes (besides the lease's own).
    package static let mutable: [StoreColumn] = [
        .state, .attempts, .updatedAt, .outcomeStatus, .outcomeHeaders, .outcomeBody, .anchor, .requestFingerprint,
    ]

    /// Every column's name (or those of `columns`), in order, separated by commas: an `INSERT`'s
    /// column list.
    package static func names(_ columns: [StoreColumn] = Self.allCases) -> String {
        columns.map(\.name).joined(separator: ", ")
    }
}
