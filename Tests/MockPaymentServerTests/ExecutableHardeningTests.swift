import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The executable's bounds: `--port` checked before binding, `--admin-token` (or its environment
/// variable), `--idle-timeout`, `--max-connections` and `--allowed-host`.
@Suite("The mock-payment-server executable: ports, the admin token, idle and connection limits")
struct ExecutableHardeningTests {
    static let token = "exec-admin-token-7f3a"

    /// Starts the executable; its stdout and stderr, whole, once it has exited.
    static func start(_ arguments: [String], environment: [String: String?] = [:]) throws -> CLIChild {
        try CLIChild.start(executable: ExecutableTests.executable, arguments, environment: environment)
    }

    static func output(of child: CLIChild) -> (stdout: String, stderr: String) {
        let out = String(decoding: child.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: child.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (out, err)
    }

    @Test(
        "A port outside 0 to 65535, or a bad limit, fails at start naming the option, without listening",
        arguments: [
            (["--port", "70000"], "--port"), (["--port", "65536"], "--port"), (["--port=-1"], "--port"),
            (["--max-connections", "0"], "--max-connections"), (["--idle-timeout=-1"], "--idle-timeout"),
            (["--allowed-host", "mock:80"], "--allowed-host"),
        ]
    )
    func refusedAtStart(arguments: [String], option: String) async throws {
        let child = try Self.start(arguments)
        let status = try await ExecutableTests.waitForExit(child.process, within: .seconds(20))
        if status == nil { child.process.terminate() }
        #expect(status == 64, "\(arguments)")
        let (stdout, stderr) = Self.output(of: child)
        #expect(!stdout.contains("listening"), "\(stdout)")
        #expect(stderr.contains(option), "\(stderr)")
        if option == "--port" { #expect(stderr.contains("65535"), "\(stderr)") }
    }

    @Test("A malformed token in the environment fails at start naming the variable, never the token")
    func malformedToken() async throws {
        let bad = "two words"
        let child = try Self.start(
            ["--port", "0"],
            environment: ["MOCK_PAYMENT_SERVER_ADMIN_TOKEN": bad]
        )
        let status = try await ExecutableTests.waitForExit(child.process, within: .seconds(20))
        if status == nil { child.process.terminate() }
        #expect(status == 64)
        let (_, stderr) = Self.output(of: child)
        #expect(stderr.contains("MOCK_PAYMENT_SERVER_ADMIN_TOKEN"), "\(stderr)")
        #expect(!stderr.contains(bad))
    }

    /// The port of a started child, from its first line.
    static func port(of child: CLIChild) async throws -> Int {
        let line = await ExecutableTests.firstLine(of: child.stdout)
        return try #require(line.split(separator: ":").last.flatMap { Int($0) }, "first line: \(line)")
    }

    @Test(
        "The token (environment or --admin-token) guards /__admin; one over --max-connections is refused",
        arguments: [true, false]
    )
    func tokenAndLimit(fromEnvironment: Bool) async throws {
        let limits = ["--port", "0", "--max-connections", "1", "--allowed-host", "mock"]
        let child = try Self.start(
            limits + (fromEnvironment ? [] : ["--admin-token", Self.token]),
            environment: ["MOCK_PAYMENT_SERVER_ADMIN_TOKEN": fromEnvironment ? Self.token : nil]
        )
        defer { if child.process.isRunning { child.process.terminate() } }
        let port = try await Self.port(of: child)
        let token = ("X-Admin-Token", Self.token)

        let first = try await RawHTTPConnection.open(port: port)
        #expect(try await first.request("GET", "/__admin/ledger").json["code"] == "admin_token_required")
        #expect(try await first.request("GET", "/__admin/ledger", host: "mock:1", headers: [token]).status == 200)
        let second = try await RawHTTPConnection.open(port: port)
        let refused = try await second.request("GET", "/__admin/ledger", headers: [token])
        #expect(refused.status == 503)
        #expect(refused.json["code"] == "too_many_connections")
        #expect(await second.closedByServer())
        #expect(try await first.request("GET", "/__admin/ledger", headers: [token]).status == 200)
        await first.close()
        // The slot, freed, serves a new connection.
        let deadline = ContinuousClock.now + .seconds(20)
        var status = 0
        while status != 200 && ContinuousClock.now < deadline {
            let next = try await RawHTTPConnection.open(port: port)
            status = (try? await next.request("GET", "/__admin/ledger", headers: [token]).status) ?? 0
            await next.close()
        }
        #expect(status == 200)

        kill(child.process.processIdentifier, SIGTERM)
        #expect(try await ExecutableTests.waitForExit(child.process, within: .seconds(20)) == 0)
        let (stdout, stderr) = Self.output(of: child)
        #expect(!stdout.contains(Self.token) && !stderr.contains(Self.token))
    }

    @Test("--idle-timeout closes a connection idle after its answer; 0 keeps it")
    func idleTimeout() async throws {
        let child = try Self.start(["--port", "0", "--idle-timeout", "1"])
        defer { if child.process.isRunning { child.process.terminate() } }
        let port = try await Self.port(of: child)
        let request = RawHTTPConnection.requestText("GET", "/__admin/ledger", port: port)
        let connection = try await RawHTTPConnection.open(port: port, sending: request)
        #expect(try await connection.response().status == 200)
        #expect(await connection.closedByServer())
        kill(child.process.processIdentifier, SIGTERM)
        #expect(try await ExecutableTests.waitForExit(child.process, within: .seconds(20)) == 0)

        let keeping = try Self.start(["--port", "0", "--idle-timeout", "0"])
        defer { if keeping.process.isRunning { keeping.process.terminate() } }
        let keptPort = try await Self.port(of: keeping)
        let kept = try await RawHTTPConnection.open(port: keptPort)
        #expect(try await kept.request("GET", "/__admin/ledger").status == 200)
        #expect(await kept.closedByServer(within: .seconds(2)) == false)
        #expect(try await kept.request("GET", "/__admin/ledger").status == 200)
        await kept.close()
        kill(keeping.process.processIdentifier, SIGTERM)
        #expect(try await ExecutableTests.waitForExit(keeping.process, within: .seconds(20)) == 0)
    }
}
