import AgentRetry
import AgentRetryTesting
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An `agent-retry` child process: started with arguments and an optional crash-test pause point,
/// waited for at its `paused:` line, killed with SIGKILL, or run to its JSON output.
struct CLIChild {
    let process: SpawnedProcess
    let stdout: Pipe
    let stderr: Pipe

    static var executable: URL { Self.product("agent-retry") }

    /// An executable product of this package, built beside the tests.
    static func product(_ name: String) -> URL {
        let main = Bundle.main.bundleURL
        let candidates = [main, main.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// A new store file path in the temporary directory.
    static func storePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
    }

    /// The `agent-retry` commands with the crash tests' pause points (`Tests/CLITestHarness`).
    static var harness: URL { Self.product("agent-retry-test-harness") }

    /// Starts `agent-retry ARGUMENTS`; with `pauseAt`, the same commands in the test harness, which
    /// pauses there (`AGENT_RETRY_PAUSE_AT`) to be killed.
    static func start(_ arguments: [String], pauseAt: String? = nil) throws -> CLIChild {
        guard let pauseAt else { return try Self.start(executable: Self.executable, arguments) }
        return try Self.start(executable: Self.harness, arguments, environment: ["AGENT_RETRY_PAUSE_AT": pauseAt])
    }

    /// Starts `agent-retry checkout` for `task` at `server` on `store`, with the crash tests' short
    /// lease (3 s) and settle time (5 s), and `extra` arguments (`--protocol acp-mcp`, say).
    static func checkout(
        server: String,
        store: String,
        task: String,
        cart: String,
        pauseAt: String? = nil,
        extra: [String] = []
    ) throws -> CLIChild {
        try Self.start(
            [
                "checkout", "--server", server, "--api-key", testKey, "--store", store, "--task-id", task, "--cart",
                cart, "--lease-seconds", "15", "--settle-seconds", "5",
            ] + extra,
            pauseAt: pauseAt
        )
    }

    /// Starts `executable ARGUMENTS` with `environment` added to this process's (`nil` removes).
    static func start(
        executable: URL,
        _ arguments: [String],
        environment changes: [String: String?] = [:]
    ) throws -> CLIChild {
        let process = SpawnedProcess()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let child = CLIChild(process: process, stdout: Pipe(), stderr: Pipe())
        process.standardOutput = child.stdout
        process.standardError = child.stderr
        try process.run()
        return child
    }

    /// Waits for the child's first stderr line (its `paused:` line), read on a thread of its own.
    func waitForPause() async -> String {
        await withCheckedContinuation { continuation in
            let handle = self.stderr.fileHandleForReading
            Thread {
                var text = ""
                while !text.contains("\n") {
                    let chunk = handle.readData(ofLength: 1)
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }.start()
        }
    }

    /// Waits for the child to exit; its status and its stdout as JSON.
    func finish() async throws -> (status: Int32, json: JSONValue) {
        let output = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.stdout.fileHandleForReading.readDataToEndOfFile()) }.start()
        }
        while self.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        return (self.process.terminationStatus, (try? JSONValue(parsing: [UInt8](output))) ?? .null)
    }

    /// SIGKILL, then waits until the process is gone.
    func kill() async throws {
        Glibc.kill(self.process.processIdentifier, SIGKILL)
        while self.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
    }
}
