/// Who holds a lease, as the store recorded it when the lease was taken or last renewed: the
/// process, and for a store that ties leases to a database session, the session.
///
/// Another invocation takes a live lease over at once only when it can prove its holder dead
/// (Store.md, "A holder that died"): the SQLite store from the process table of the holder's
/// machine, the PostgreSQL store from the holder's session, the in-memory store from its sessions.
/// Anything else is waited for until the lease expires.
public struct LeaseHolder: Sendable, Hashable {
    /// The lease owner this identity was recorded for. It describes the record's lease only while
    /// it equals ``IdempotencyRecord/leaseOwner``: a lease taken by an older AgentRetry, which
    /// records no holder, keeps the previous holder's identity, which then says nothing.
    public var owner: String
    /// The holding process, where the store could read it.
    public var process: ProcessIdentity?
    /// The holder's database session, for a store that ties leases to one (PostgreSQL: the key of
    /// a session-level advisory lock that the holder's store keeps while it lives).
    public var session: Int?

    /// Creates a holder.
    public init(owner: String, process: ProcessIdentity? = nil, session: Int? = nil) {
        self.owner = owner
        self.process = process
        self.session = session
    }
}
