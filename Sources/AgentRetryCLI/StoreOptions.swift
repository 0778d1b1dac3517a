import AgentRetry
import AgentRetryPostgres
import ArgumentParser
import Foundation

/// The options every command that keys requests shares: the store and the namespace secret.
struct StoreOptions: ParsableArguments {
    @Option(
        help: """
            The store shared by every invocation of the task: a SQLite file, \
            or postgres://USER@HOST:PORT/DB (password in PGPASSWORD).
            """
    )
    var store: String
    @Option(
        name: .customLong("secret-file"),
        help: "A file holding the namespace secret (else AGENT_RETRY_SECRET, else the store's)."
    ) var secretFile: String?
    @Option(name: .customLong("lease-seconds"), help: "How long this invocation's lease holds if it dies.")
    var leaseSeconds: Double = 30
    @Option(name: .customLong("max-attempts"), help: "Attempts per request in all, the first included.")
    var maxAttempts = 4
    @Option(help: "Each request's time budget in seconds, retries included.") var deadline: Double = 60
    @Option(
        name: .customLong("initial-backoff"),
        help: "The first retry's backoff ceiling in seconds, doubled per retry up to 8 s."
    ) var initialBackoff: Double = 0.5
    @Option(name: .customLong("request-timeout"), help: "One attempt's timeout in seconds (connect included).")
    var requestTimeout: Double = 30
    @Option(
        name: .customLong("max-response-bytes"),
        help: "The largest response body kept, in bytes (default 10 MiB); a larger one is not kept."
    ) var maxResponseBytes = 10 * 1024 * 1024

    func validate() throws {
        if PostgresIdempotencyStore.Configuration.isConnectionString(self.store) {
            do {
                _ = try PostgresIdempotencyStore.Configuration(connectionString: self.store)
            } catch {
                throw ValidationError(error.message)
            }
        }
        guard (1...100).contains(self.maxAttempts) else {
            throw ValidationError("--max-attempts must be between 1 and 100")
        }
        guard self.deadline > 0, self.deadline <= 86_400 else {
            throw ValidationError("--deadline must be between 0 and 86400 seconds")
        }
        guard self.leaseSeconds >= 1, self.leaseSeconds <= 3600 else {
            throw ValidationError("--lease-seconds must be between 1 and 3600")
        }
        guard self.initialBackoff >= 0.001, self.initialBackoff <= 8 else {
            throw ValidationError("--initial-backoff must be between 0.001 and 8 seconds")
        }
        guard self.requestTimeout >= 0.05, self.requestTimeout <= 3600 else {
            throw ValidationError("--request-timeout must be between 0.05 and 3600 seconds")
        }
        guard (1...(1 << 30)).contains(self.maxResponseBytes) else {
            throw ValidationError("--max-response-bytes must be between 1 and \(1 << 30)")
        }
    }

    /// The transport, with the attempt timeout and the response size asked for.
    func makeTransport() -> HTTPTransport {
        var configuration = HTTPTransport.Configuration()
        configuration.maximumResponseBodySize = self.maxResponseBytes
        let timeout = Duration.milliseconds(Int64(self.requestTimeout * 1000))
        configuration.timeout = .init(connect: min(timeout, .seconds(10)), total: timeout)
        return HTTPTransport(configuration: configuration)
    }

    /// Opens the store: PostgreSQL for a connection string, else the SQLite file.
    func openStore() async throws -> any IdempotencyStore {
        try await Self.open(self.store)
    }

    /// Opens the store at `location`: PostgreSQL for a connection string, else the SQLite file.
    static func open(_ location: String) async throws -> any IdempotencyStore & WebhookInboxStore {
        if PostgresIdempotencyStore.Configuration.isConnectionString(location) {
            return try await PostgresIdempotencyStore.connect(
                try PostgresIdempotencyStore.Configuration(connectionString: location)
            )
        }
        return try SQLiteIdempotencyStore(path: location)
    }

    /// Runs `body` with the idempotent client on the opened store, and closes the store's
    /// connections afterwards (a PostgreSQL store's pool).
    func withClient<Result>(
        transport: HTTPTransport,
        _ body: (IdempotentClient) async throws -> Result
    ) async throws -> Result {
        let store = try await self.openStore()
        do {
            let result = try await body(try await self.makeClient(transport: transport, store: store))
            await (store as? PostgresIdempotencyStore)?.close()
            return result
        } catch {
            await (store as? PostgresIdempotencyStore)?.close()
            throw error
        }
    }

    /// Makes the idempotent client on `store` (with the crash-test hook when asked for).
    func makeClient(transport: HTTPTransport, store: any IdempotencyStore) async throws -> IdempotentClient {
        let secret = try await self.secret(store: store)
        let policy = try RetryPolicy(
            maximumAttempts: self.maxAttempts,
            initialBackoff: .milliseconds(Int64(self.initialBackoff * 1000)),
            deadline: .milliseconds(Int64(self.deadline * 1000))
        )
        var configuration = IdempotentClient.Configuration(
            policy: policy,
            leaseDuration: .milliseconds(Int64(self.leaseSeconds * 1000))
        )
        configuration.onEvent = CommandHooks.current.clientEvents
        let hooked = CommandHooks.current.transport.map { $0(transport) } ?? transport
        return IdempotentClient(transport: hooked, store: store, secret: secret, configuration: configuration)
    }

    private func secret(store: any IdempotencyStore) async throws -> IdempotencyKeyDeriver.Secret {
        if let path = self.secretFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the secret file")
            }
            guard let secret = try? IdempotencyKeyDeriver.Secret(bytes: [UInt8](data)) else {
                throw ValidationError("the secret file must hold at least 16 bytes")
            }
            return secret
        }
        if let text = ProcessInfo.processInfo.environment["AGENT_RETRY_SECRET"], !text.isEmpty {
            guard let secret = try? IdempotencyKeyDeriver.Secret(bytes: Array(text.utf8)) else {
                throw ValidationError("AGENT_RETRY_SECRET must hold at least 16 bytes")
            }
            return secret
        }
        return try await IdempotentClient.storedSecret(in: store)
    }
}
