import AgentRetry
import Foundation

extension PostgresIdempotencyStore {
    /// Where the shared store lives and how to reach it.
    ///
    /// Made from a connection string (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB?sslmode=...`) or
    /// field by field. The password is never printed: ``description`` leaves it out, and errors
    /// name only the host, port and database.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// How the connection to the database is protected.
        public struct TLS: Sendable, Hashable {
            enum Mode: String, Hashable {
                case disable, prefer, require
                case verifyCA = "verify-ca"
                case verifyFull = "verify-full"
            }
            let mode: Mode
            /// A PEM file of the CA certificates to trust instead of the system's, if any.
            public var rootCertificatePath: String?

            /// Plain TCP.
            public static let disable = TLS(mode: .disable)
            /// TLS when the server offers it, without verifying its certificate (libpq's default).
            public static let prefer = TLS(mode: .prefer)
            /// TLS or no connection; the certificate is verified only against `rootCertificatePath`
            /// when one is given (as libpq's `require`).
            public static func require(rootCertificatePath: String? = nil) -> TLS {
                TLS(mode: .require, rootCertificatePath: rootCertificatePath)
            }
            /// TLS with the certificate verified against the trusted CAs, the host name not checked.
            public static func verifyCA(rootCertificatePath: String? = nil) -> TLS {
                TLS(mode: .verifyCA, rootCertificatePath: rootCertificatePath)
            }
            /// TLS with the certificate and the host name (or IP address) verified.
            public static func verifyFull(rootCertificatePath: String? = nil) -> TLS {
                TLS(mode: .verifyFull, rootCertificatePath: rootCertificatePath)
            }

            /// The libpq `sslmode` name.
            public var sslMode: String { self.mode.rawValue }
        }

        /// The connection pool's limits.
        public struct Pool: Sendable, Hashable {
            /// Connections the store may open at once. Default 8: a store call holds one connection
            /// for a few round trips, so a handful serves many concurrent calls.
            public var maximumConnections: Int = 8
            /// Connections kept open while idle. Default 0.
            public var minimumConnections: Int = 0

            /// The defaults.
            public init() {}
        }

        /// The server's host name or IP address. Default `127.0.0.1`.
        public var host: String = "127.0.0.1"
        /// The server's TCP port. Default 5432.
        public var port: Int = 5432
        /// The role to connect as.
        public var username: String
        /// The role's password, if the server asks for one; `PGPASSWORD` when made from a
        /// connection string without one. Never printed.
        public var password: String?
        /// The database holding the store's tables.
        public var database: String
        /// TLS to the database. Default ``TLS-swift.struct/prefer``.
        public var tls: TLS = .prefer
        /// The connection pool. Default: at most 8 connections.
        public var pool = Pool()
        /// How long opening one connection may take. Default 10 seconds.
        public var connectTimeout: Duration = .seconds(10)
        /// How long one store operation may take, waiting for a pooled connection included, before
        /// it fails as `IdempotencyStoreError.Code.unavailable`. Default 30 seconds.
        public var operationTimeout: Duration = .seconds(30)

        /// A configuration field by field.
        public init(
            host: String = "127.0.0.1",
            port: Int = 5432,
            username: String,
            password: String? = nil,
            database: String
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
        }

        /// Whether `location` is a PostgreSQL connection string rather than a file path.
        public static func isConnectionString(_ location: String) -> Bool {
            location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
        }

        /// A configuration from a connection string: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?QUERY]`,
        /// where `QUERY` is `sslmode=MODE&sslrootcert=FILE&pool_size=N&connect_timeout=SECONDS`.
        ///
        /// `sslmode` is one of `disable`, `prefer` (the default), `require`, `verify-ca` and
        /// `verify-full`. Without a password in the string, `PGPASSWORD` is used when set.
        /// - Throws: `IdempotencyStoreError.Code.invalidConfiguration`, naming the part
        ///   at fault and never the password.
        public init(
            connectionString: String,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) throws(IdempotencyStoreError) {
            func invalid(_ why: String) -> IdempotencyStoreError {
                IdempotencyStoreError(code: .invalidConfiguration, message: "connection string: \(why)")
            }
            guard Self.isConnectionString(connectionString) else {
                throw invalid("must start with postgres:// or postgresql://")
            }
            guard let components = URLComponents(string: connectionString) else { throw invalid("is not a URL") }
            guard let host = components.host, !host.isEmpty else { throw invalid("names no host") }
            guard let username = components.user, !username.isEmpty else { throw invalid("names no user") }
            if let port = components.port, !Self.ports.contains(port) {
                throw invalid("the port \(port) is not between 1 and 65535")
            }
            let database = String(components.path.dropFirst())
            guard !database.isEmpty, !database.contains("/") else {
                throw invalid("names no database (postgres://USER@HOST:PORT/DATABASE)")
            }
            self.init(
                host: host,
                port: components.port ?? 5432,
                username: username,
                password: components.password ?? environment["PGPASSWORD"],
                database: database
            )
            var rootCertificatePath: String?
            var mode = TLS.Mode.prefer
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "sslmode":
                    guard let parsed = TLS.Mode(rawValue: value) else {
                        throw invalid(
                            "sslmode must be disable, prefer, require, verify-ca or verify-full, not \(value)"
                        )
                    }
                    mode = parsed
                case "sslrootcert":
                    guard !value.isEmpty else { throw invalid("sslrootcert is empty") }
                    rootCertificatePath = value
                case "pool_size":
                    guard let size = Int(value), (1...1000).contains(size) else {
                        throw invalid("pool_size must be between 1 and 1000")
                    }
                    self.pool.maximumConnections = size
                case "connect_timeout":
                    guard let seconds = Int(value), (1...3600).contains(seconds) else {
                        throw invalid("connect_timeout must be between 1 and 3600 seconds")
                    }
                    self.connectTimeout = .seconds(seconds)
                default:
                    throw invalid("unknown parameter \(item.name)")
                }
            }
            self.tls = TLS(mode: mode, rootCertificatePath: rootCertificatePath)
        }

        /// The TCP ports a server can listen on.
        static let ports = 1...65535

        /// Throws `IdempotencyStoreError.Code.invalidConfiguration` for settings no connection can
        /// be opened with (a port outside 1...65535, which would otherwise wrap to another port, an
        /// empty host); ``PostgresIdempotencyStore/connect(_:logger:)`` calls it before connecting.
        public func validate() throws(IdempotencyStoreError) {
            guard Self.ports.contains(self.port) else {
                throw IdempotencyStoreError(
                    code: .invalidConfiguration,
                    message: "the port \(self.port) is not between 1 and 65535"
                )
            }
            guard !self.host.isEmpty else {
                throw IdempotencyStoreError(code: .invalidConfiguration, message: "the host is empty")
            }
        }

        /// `HOST:PORT/DATABASE`, what errors and logs name.
        public var location: String { "\(self.host):\(self.port)/\(self.database)" }

        /// The connection string without the password.
        public var description: String {
            "postgres://\(self.username)@\(self.location)?sslmode=\(self.tls.sslMode)"
                + "&pool_size=\(self.pool.maximumConnections)"
        }
    }
}
