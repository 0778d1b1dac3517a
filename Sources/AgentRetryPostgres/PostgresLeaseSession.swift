import Logging
import NIOCore
import PostgresNIO

/// The store's lease session: one connection of its own, outside the pool, that holds a
/// session-level advisory lock on a key of its own (`pg_try_advisory_lock(lockClass, key)`) for as
/// long as it lives. Every lease the store takes or renews records that key
/// (``AgentRetry/LeaseHolder/session``); another process takes such a lease over before it expires
/// when it can take the same lock itself, which it can once the session is gone: the holder's
/// process died (the kernel closed its socket), its connection broke, or its store was closed. The
/// server releases a session's advisory locks as soon as it notices the session has ended.
///
/// The pool's connections cannot carry this: a pooled connection serves whichever call comes next,
/// and lives on after the call that took a lease. The lock key, not a backend pid, is recorded,
/// so that reading whether the holder lives needs no right to see other roles' sessions in
/// `pg_stat_activity`: `pg_try_advisory_xact_lock` is allowed to every role.
///
/// Opened on first use, and opened again (with a new key) when it broke. Where it cannot be opened,
/// leases record no session and are waited for until they expire, as before.
package actor PostgresLeaseSession {
    /// The first key of the two-key advisory locks: `ARLS`, apart from the one-key locks the store
    /// takes on intent identities and on migrations.
    package static let lockClass: Int32 = 0x4152_4C53

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var connection: PostgresConnection?
    private var key: Int32?
    private var opening: Task<(PostgresConnection, Int32)?, Never>?
    private var lastFailure: ContinuousClock.Instant?
    private var closed = false

    /// A session with `configuration`'s settings (the store's), and TCP keepalives so that the
    /// server notices a holder whose machine died within about 25 seconds.
    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        var configuration = configuration
        configuration.options.additionalStartupParameters += [
            ("tcp_keepalives_idle", "10"), ("tcp_keepalives_interval", "5"), ("tcp_keepalives_count", "3"),
        ]
        self.configuration = configuration
        self.logger = logger
    }

    /// The key of the lock this live session holds, opening the session first if needed; `nil`
    /// when it cannot be opened (tried again 5 seconds after a failure) or the store is closed.
    func currentKey() async -> Int? {
        if self.closed { return nil }
        if let connection = self.connection, !connection.isClosed, let key = self.key { return Int(key) }
        if self.opening == nil {
            if let failed = self.lastFailure, ContinuousClock.now - failed < .seconds(5) { return nil }
            let (broken, configuration, logger) = (self.connection, self.configuration, self.logger)
            self.connection = nil
            self.key = nil
            self.opening = Task {
                try? await broken?.close()
                return await Self.open(configuration, logger: logger)
            }
        }
        guard let opening = self.opening else { return self.key.map(Int.init) }
        let opened = await opening.value
        // The first caller to resume installs what was opened; the others read it.
        if self.opening == opening {
            self.opening = nil
            if let (connection, key) = opened {
                if self.closed {
                    try? await connection.close()
                    return nil
                }
                (self.connection, self.key) = (connection, key)
            } else {
                self.lastFailure = .now
            }
        }
        return self.closed ? nil : self.key.map(Int.init)
    }

    deinit {
        // Normally closed by close() already; PostgresConnection insists on being closed first.
        let closing: EventLoopFuture<Void>? = self.connection?.close()
        _ = closing
    }

    /// Drops the session's connection if its key is still `key` (its lock was not seen on the
    /// server): the next ``currentKey()`` opens a new session at once.
    func discard(key: Int) async {
        guard let current = self.key, Int(current) == key, self.opening == nil else { return }
        let connection = self.connection
        self.connection = nil
        self.key = nil
        self.lastFailure = nil
        try? await connection?.close()
    }

    /// Closes the session: its lock goes, and with it every lease it holds is free to take.
    func close() async {
        self.closed = true
        let (connection, opening) = (self.connection, self.opening)
        self.connection = nil
        self.key = nil
        try? await connection?.close()
        if let (opened, _) = await opening?.value { try? await opened.close() }
    }

    /// Connects and takes the lock on a random key nobody holds.
    private static func open(
        _ configuration: PostgresConnection.Configuration,
        logger: Logger
    ) async -> (PostgresConnection, Int32)? {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            logger.debug("cannot open the lease session", metadata: ["error": "\(PostgresFailure(error))"])
            return nil
        }
        // An idle session outlives idle_session_timeout (PostgreSQL 14 and later; older ones say no).
        _ = try? await connection.query("SET idle_session_timeout = 0", logger: logger)
        do {
            for _ in 0..<16 {
                let key = Int32.random(in: .min ... .max)
                let rows = try await connection.query(
                    "SELECT pg_try_advisory_lock(\(Self.lockClass), \(key))",
                    logger: logger
                ).collect()
                if try rows.first?.decode(Bool.self) == true { return (connection, key) }
            }
        } catch {
            logger.debug("cannot lock the lease session's key", metadata: ["error": "\(PostgresFailure(error))"])
        }
        try? await connection.close()
        return nil
    }
}
