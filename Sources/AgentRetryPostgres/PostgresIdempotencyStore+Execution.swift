import AgentRetry
import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

extension PostgresIdempotencyStore {
    /// Runs one statement (committed on its own) and returns its rows.
    func rows(_ what: String, _ statement: StoreStatement) async throws(IdempotencyStoreError) -> [PostgresRow] {
        let query = Self.query(statement)
        return try await self.run(what) { client in
            try await client.query(query, logger: self.logger).collect()
        }
    }

    /// Runs the statement `make` writes for `owner`'s lease with this store as its holder (this
    /// process, and the lease session's key, opened first if needed), within the same time limit.
    func rows(
        _ what: String,
        holding owner: String,
        _ make: @escaping @Sendable (LeaseHolder) -> StoreStatement
    ) async throws(IdempotencyStoreError) -> [PostgresRow] {
        try await self.run(what) { client in
            // The lease session's connection may look open while its lock is not held on the server the
            // pool reaches (a failover, a half-open connection): then the session is opened anew, and
            // if its lock is still not seen, no session is recorded, so that the lease is waited for
            // until it expires rather than taken from a live process.
            var session = await self.leaseSession.currentKey()
            if let key = session, try await !Self.sessionLockHeld(key, on: client, logger: self.logger) {
                await self.leaseSession.discard(key: key)
                session = await self.leaseSession.currentKey()
                if let key = session, try await !Self.sessionLockHeld(key, on: client, logger: self.logger) {
                    session = nil
                }
            }
            let holder = LeaseHolder(owner: owner, process: SystemProcessTable.shared.currentProcess, session: session)
            return try await client.query(Self.query(make(holder)), logger: self.logger).collect()
        }
    }

    /// Whether some session of the server `client` reaches holds the lease-session lock on `key`
    /// (`pg_locks` is readable by every role).
    static func sessionLockHeld(_ key: Int, on client: PostgresClient, logger: Logger) async throws -> Bool {
        let lockClass = PostgresLeaseSession.lockClass
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                        AND classid = CAST(\(lockClass) AS oid) AND objsubid = 2
                        AND objid = CAST(CAST(\(Int32(truncatingIfNeeded: key)) AS integer) AS oid))
                    """
            ),
            logger: logger
        ).collect()
        return try rows.first?.decode(Bool.self) ?? false
    }

    /// Runs one statement and reads its first row as a record.
    func firstRecord(
        _ what: String,
        _ statement: StoreStatement
    ) async throws(IdempotencyStoreError) -> IdempotencyRecord? {
        guard let row = try await self.rows(what, statement).first else { return nil }
        return try Self.decode(row)
    }

    /// Runs `body` in one transaction on one pooled connection, committed before this returns.
    func transaction<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(IdempotencyStoreError) -> T {
        try await self.run(what) { client in
            try await client.withTransaction(logger: self.logger) { connection in try await body(connection) }
        }
    }

    /// Runs one store operation within ``Configuration-swift.struct/operationTimeout``, turning
    /// every failure into a typed error that names the database, never the password or a value.
    func run<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws(IdempotencyStoreError) -> T {
        let client = self.client
        let timeout = self.configuration.operationTimeout
        do {
            // The work runs in a task of its own, and the caller stops waiting at the timeout even
            // when the work cannot be cancelled (a query already sent to a server that went silent).
            // Reporting a failure for a write that commits later is the safe direction: the client
            // sends nothing after a failed write.
            return try await TimeLimit.run(within: timeout) { try await body(client) }
        } catch let error as IdempotencyStoreError {
            throw error
        } catch is TimeLimit.Exceeded {
            throw IdempotencyStoreError(
                code: .unavailable,
                message: "cannot \(what): PostgreSQL at \(self.configuration.location): no answer within \(timeout)"
            )
        } catch let error as PostgresTransactionError where error.closureError is IdempotencyStoreError {
            throw error.closureError as! IdempotencyStoreError
        } catch {
            let failure = PostgresFailure(error)
            throw IdempotencyStoreError(
                code: .unavailable,
                message: "cannot \(what): PostgreSQL at \(self.configuration.location): \(failure)",
                underlying: failure
            )
        }
    }

    /// Opens one connection outside the pool and closes it: a server that is not there, refuses the
    /// login or fails the TLS handshake is reported at once, where the pool would keep retrying.
    func probe() async throws(IdempotencyStoreError) {
        let configuration = self.configuration
        let logger = self.logger
        let probeConfiguration = try Self.connectionConfiguration(configuration)
        let durability = try await self.run("connect") { _ in
            let connection = try await PostgresConnection.connect(
                configuration: probeConfiguration,
                id: 0,
                logger: logger
            )
            do {
                let rows = try await connection.query("SELECT current_setting('synchronous_commit')", logger: logger)
                    .collect()
                try await connection.close()
                return try rows.first?.decode(String.self) ?? "?"
            } catch {
                try? await connection.close()
                throw error
            }
        }
        // The store's promise: a commit is on the server's disk before the client is told.
        guard ["on", "remote_write", "remote_apply"].contains(durability) else {
            throw IdempotencyStoreError(
                code: .invalidConfiguration,
                message: "PostgreSQL at \(configuration.location) has synchronous_commit=\(durability): "
                    + "a commit may be lost in a crash; AgentRetry needs on"
            )
        }
    }

    /// The settings of one connection outside the pool (the probe's, the lease session's): the
    /// pool's, with its session settings and connect timeout.
    static func connectionConfiguration(
        _ configuration: Configuration
    ) throws(IdempotencyStoreError) -> PostgresConnection.Configuration {
        var connection = PostgresConnection.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: try Self.connectionTLS(configuration.tls)
        )
        connection.options.additionalStartupParameters = Self.sessionSettings(configuration)
        connection.options.connectTimeout = .nanoseconds(
            Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                + configuration.connectTimeout.components.attoseconds / 1_000_000_000
        )
        return connection
    }

    /// The TLS settings for a libpq-style mode: whether TLS is off, preferred or required, and how.
    static func tlsSettings(
        _ tls: Configuration.TLS
    ) throws(IdempotencyStoreError) -> (mode: Configuration.TLS.Mode, settings: TLSConfiguration) {
        var settings = TLSConfiguration.makeClientConfiguration()
        if let path = tls.rootCertificatePath {
            do {
                settings.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw IdempotencyStoreError(
                    code: .invalidConfiguration,
                    message: "cannot read the CA certificates in \(path)",
                    underlying: error
                )
            }
        }
        switch tls.mode {
        case .disable, .prefer: settings.certificateVerification = .none
        case .require:
            settings.certificateVerification = tls.rootCertificatePath == nil ? .none : .noHostnameVerification
        case .verifyCA: settings.certificateVerification = .noHostnameVerification
        case .verifyFull: settings.certificateVerification = .fullVerification
        }
        return (tls.mode, settings)
    }

    /// The pool's TLS setting.
    static func clientTLS(_ tls: Configuration.TLS) throws(IdempotencyStoreError) -> PostgresClient.Configuration.TLS {
        let (mode, settings) = try Self.tlsSettings(tls)
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(settings)
        case .require, .verifyCA, .verifyFull: return .require(settings)
        }
    }

    /// The single probe connection's TLS setting.
    static func connectionTLS(
        _ tls: Configuration.TLS
    ) throws(IdempotencyStoreError) -> PostgresConnection.Configuration.TLS {
        let (mode, settings) = try Self.tlsSettings(tls)
        if mode == .disable { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: settings)
        } catch {
            throw IdempotencyStoreError(code: .invalidConfiguration, message: "cannot set up TLS", underlying: error)
        }
        return mode == .prefer ? .prefer(context) : .require(context)
    }
}
