import AgentRetry
import AgentRetryPostgres
import Foundation
import Logging
import PostgresNIO
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for the tests (the store benchmark runs under the same script).
///
/// `make test` starts one with `Tests/postgres-server.sh run` and names it in
/// `AGENT_RETRY_TEST_POSTGRES` (and its CA in `AGENT_RETRY_TEST_POSTGRES_CA`); without them (a plain
/// `swift test`), the first use starts one with the same script and stops it when the process
/// exits. Every caller gets its own database on it.
public struct PostgresTestServer: Sendable {
    /// The admin connection string (role `agentretry`, trusted on loopback; database `postgres`).
    public let adminURL: String
    /// The connection string of the role `agentretry_scram`, which logs in with its password (SCRAM).
    public let passwordURL: String
    /// The CA that signed the server's certificate.
    public let caPath: String
    /// The directory of a server this process started, to stop.
    let directory: String?

    /// The shared server of this process, started once by the first caller.
    public static func shared() async throws -> PostgresTestServer {
        let starting = Self.sharedServer.withLock { task in
            if let task { return task }
            let started = Task { try await Self.startShared() }
            task = started
            return started
        }
        return try await starting.value
    }

    private static let sharedServer = Mutex<Task<PostgresTestServer, any Error>?>(nil)

    private static func startShared() async throws -> PostgresTestServer {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["AGENT_RETRY_TEST_POSTGRES"], !url.isEmpty {
            return PostgresTestServer(
                adminURL: url,
                passwordURL: environment["AGENT_RETRY_TEST_POSTGRES_SCRAM"] ?? "",
                caPath: environment["AGENT_RETRY_TEST_POSTGRES_CA"] ?? "",
                directory: nil
            )
        }
        let server = try await Self.startDedicated()
        ownedDirectory.withLock { $0 = server.directory }
        atexit {
            if let directory = ownedDirectory.withLock({ $0 }) {
                PostgresTestServer.runScriptBlocking(["stop", directory])
            }
        }
        return server
    }

    /// Starts a server of its own (for a test that stops it); ``stop()`` removes it.
    public static func startDedicated() async throws -> PostgresTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentretry-postgres-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The script's watcher removes the server if this process dies without stopping it.
        let (status, output) = await Self.runScript(["start", directory, String(getpid())])
        guard status == 0, let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://")
        else {
            await Self.runScript(["stop", directory])
            throw PostgresTestServerError(message: "Tests/postgres-server.sh start failed (\(status)): \(output)")
        }
        let passwordURL =
            (try? String(contentsOfFile: directory + "/scram-url", encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines
            ) ?? ""
        return PostgresTestServer(
            adminURL: url,
            passwordURL: passwordURL,
            caPath: directory + "/ca.crt",
            directory: directory
        )
    }

    /// Stops a server started by ``startDedicated()`` at once (`pg_ctl stop -m immediate`, as a
    /// crash would) and removes its directory.
    public func stop() async {
        if let directory { await Self.runScript(["stop", directory]) }
    }

    /// Sends `signal` to every process of a server started by ``startDedicated()``: SIGSTOP makes it
    /// silent without closing a connection, SIGCONT wakes it.
    public func signal(_ signal: Int32) throws {
        guard let directory,
            let pidText = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8),
            let postmaster = pidText.split(separator: "\n").first.flatMap({ pid_t($0) })
        else {
            throw PostgresTestServerError(message: "no server of this test's own is running")
        }
        // The postmaster and its children (the backends serving the connections).
        let children = Self.children(of: postmaster)
        for pid in [postmaster] + children { kill(pid, signal) }
    }

    private static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == parent
        }
    }

    /// A new, empty database on this server, as a store configuration (no TLS, pool of `poolSize`).
    public func makeDatabase(poolSize: Int = 4) async throws -> PostgresIdempotencyStore.Configuration {
        let name = "agentretry_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        try await self.execute("CREATE DATABASE \(name)", database: "postgres")
        var configuration = try self.configuration(database: name)
        configuration.pool.maximumConnections = poolSize
        return configuration
    }

    /// A new, empty database on this server, as a connection string (with the password) followed by `parameters`.
    public func makeDatabaseURL(parameters: String = "sslmode=disable") async throws -> String {
        let database = try await self.makeDatabase().database
        return self.url(database: database) + "?" + parameters
    }

    /// The admin connection string with `database` in place of `postgres`.
    public func url(database: String) -> String {
        String(self.adminURL.dropLast("postgres".count)) + database
    }

    /// The admin connection string's configuration for `database`, without TLS.
    public func configuration(database: String) throws -> PostgresIdempotencyStore.Configuration {
        var configuration = try PostgresIdempotencyStore.Configuration(
            connectionString: self.adminURL + "?sslmode=disable"
        )
        configuration.database = database
        return configuration
    }

    /// Runs SQL outside any store, on one connection: to corrupt rows, read them raw, make databases.
    /// Returns the first column of every row, as text.
    @discardableResult
    public func execute(_ sql: String, database: String) async throws -> [String?] {
        let configuration = try self.configuration(database: database)
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host,
                port: configuration.port,
                username: configuration.username,
                password: configuration.password,
                database: database,
                tls: .disable
            ),
            id: 1,
            logger: Logger(label: "agentretry.test-postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        do {
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: sql),
                logger: Logger(label: "agentretry.test-postgres")
            ).collect()
            try await connection.close()
            return try rows.map { try $0.decode(String?.self) }
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs the script on a thread of its own, so that the seconds `initdb` takes never hold a
    /// thread of Swift's cooperative pool (two on this machine) from the other tests.
    @discardableResult
    static func runScript(_ arguments: [String]) async -> (Int32, String) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.runScriptBlocking(arguments)) }.start()
        }
    }

    /// Runs the script to its end with posix_spawn and waitpid (Foundation's Process was seen to
    /// miss the exit of this script in the test process), its output through a temporary file.
    @discardableResult
    static func runScriptBlocking(_ arguments: [String]) -> (Int32, String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "postgres-server-\(UUID().uuidString).log"
        ).path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ["/bin/bash", Self.scriptPath] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &cArguments, environ)
        guard spawned == 0 else { return (-1, "posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `Tests/postgres-server.sh` in this package's source tree.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/postgres-server.sh").path
}

/// The directory of the server this process started for itself, removed at exit.
private let ownedDirectory = Mutex<String?>(nil)

/// The test server could not be started.
public struct PostgresTestServerError: Error, CustomStringConvertible {
    /// What happened.
    public let message: String
    /// What happened.
    public var description: String { self.message }
}
