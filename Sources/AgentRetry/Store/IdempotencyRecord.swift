import Foundation

/// What the store remembers of one intent: its key, where the call stands, and its outcome.
public struct IdempotencyRecord: Sendable, Hashable {
    /// Where a call stands.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Persisted with its key; nothing sent yet.
        case prepared
        /// A request is on its way (or was when the process died).
        case inFlight
        /// A 2xx outcome, kept.
        case succeeded
        /// A definitive failure, kept as the server would replay it.
        case failed
        /// Sent, outcome unknown after the retries or the deadline: resumable with the same key.
        case pending
        /// The server reported an idempotency conflict.
        case conflict

        /// Whether the outcome is final and returned from the store without sending.
        public var isTerminal: Bool { self == .succeeded || self == .failed }
    }

    /// The response kept with a terminal outcome.
    public struct Outcome: Sendable, Hashable {
        /// The HTTP status.
        public var status: Int
        /// The headers that matter for replays (`Idempotent-Replayed`, `Retry-After`, ...).
        public var headers: [String: String]
        /// The body.
        public var body: [UInt8]

        /// Creates an outcome.
        public init(status: Int, headers: [String: String], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// The row format this version of AgentRetry writes and can read. A store refuses a row of a
    /// newer format with ``IdempotencyStoreError/Code-swift.struct/unsupportedSchema`` and leaves it
    /// untouched, so processes of different versions can share one store during an upgrade.
    public static let storageFormat = 1

    /// The derived idempotency key, the record's identity.
    public var key: IdempotencyKey
    /// The intent's namespace.
    public var namespace: String
    /// The intent's operation.
    public var operation: String
    /// SHA-256 of the intent's canonical form without its time bucket: its identity.
    public var intentFingerprint: String
    /// The fingerprint of the request body sent under this key.
    public var requestFingerprint: RequestFingerprint
    /// The PSP profile's name.
    public var profile: String
    /// Where the call stands.
    public var state: State
    /// Requests put on the wire under this key, over every invocation.
    public var attempts: Int
    /// When the record was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// After this the client no longer re-sends on its own (its retention, shorter than the PSP's).
    public var clientExpiresAt: Date
    /// After this the PSP has forgotten the key.
    public var pspExpiresAt: Date
    /// The kept response, for terminal states.
    public var outcome: Outcome?
    /// An anchor for later steps of the task, e.g. an ACP `checkout_session_id`.
    public var anchor: String?
    /// Who holds the lease, if anyone.
    public var leaseOwner: String?
    /// Until when the lease holds.
    public var leaseExpiresAt: Date?
    /// Who holds the lease (its process, its database session), as the store recorded it when the
    /// lease was taken or renewed; `nil` for a lease without one. Stores record their own holder
    /// whatever a written record says here; an inserted record keeps what it says.
    public var leaseHolder: LeaseHolder?

    /// Creates a record.
    public init(
        key: IdempotencyKey,
        namespace: String,
        operation: String,
        intentFingerprint: String,
        requestFingerprint: RequestFingerprint,
        profile: String,
        state: State,
        attempts: Int,
        createdAt: Date,
        updatedAt: Date,
        clientExpiresAt: Date,
        pspExpiresAt: Date,
        outcome: Outcome? = nil,
        anchor: String? = nil,
        leaseOwner: String? = nil,
        leaseExpiresAt: Date? = nil,
        leaseHolder: LeaseHolder? = nil
    ) {
        self.key = key
        self.namespace = namespace
        self.operation = operation
        self.intentFingerprint = intentFingerprint
        self.requestFingerprint = requestFingerprint
        self.profile = profile
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.clientExpiresAt = clientExpiresAt
        self.pspExpiresAt = pspExpiresAt
        self.outcome = outcome
        self.anchor = anchor
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.leaseHolder = leaseHolder
    }
}
