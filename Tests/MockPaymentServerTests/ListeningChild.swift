import AgentRetry
import AgentRetryTesting
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An `agent-retry` server (`mcp --http 0`, `webhooks listen --port 0`) as a real child process:
/// started, waited for at the JSON line that names the URL it listens on, signalled, killed (alone
/// or with its process group), or waited for. Its output is kept for the tests that check it.
final class ListeningChild: Sendable {
    /// The endpoint, `http://127.0.0.1:PORT/mcp`, from the child's first line on standard output.
    let url: String
    /// The bound port.
    let port: Int
    private let process: Mutex<SpawnedProcess>
    private let outputs: ChildOutputs

    private init(process: SpawnedProcess, outputs: ChildOutputs, url: String, port: Int) {
        self.process = Mutex(process)
        self.outputs = outputs
        self.url = url
        self.port = port
    }

    /// Starts `agent-retry mcp --http 0 ARGUMENTS` with `AGENT_RETRY_API_KEY=apiKey` and waits for
    /// the line that names its URL.
    static func start(_ arguments: [String], apiKey: String = testKey) async throws -> ListeningChild {
        try await Self.launch(["mcp", "--http", "0"] + arguments, environment: ["AGENT_RETRY_API_KEY": apiKey])
    }

    /// Starts `agent-retry ARGUMENTS` with `environment` added, in a process group of its own
    /// (``killGroup()``), and waits for the line that names its URL.
    static func launch(_ arguments: [String], environment changes: [String: String]) async throws -> ListeningChild {
        let process = SpawnedProcess()
        process.executableURL = CLIChild.executable
        process.arguments = arguments
        process.startsProcessGroup = true
        var environment = ProcessInfo.processInfo.environment
        environment.merge(changes) { $1 }
        process.environment = environment
        let (stdout, stderr) = (Pipe(), Pipe())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let outputs = ChildOutputs()
        outputs.read(stdout.fileHandleForReading, standardOutput: true)
        outputs.read(stderr.fileHandleForReading, standardOutput: false)
        let deadline = ContinuousClock.now + MCPChild.answerDeadline
        while ContinuousClock.now < deadline {
            if let line = outputs.firstLine, let json = try? JSONValue(parsing: Array(line.utf8)),
                let url = json["url"]?.stringValue, let port = json["port"]?.numberValue
            {
                return ListeningChild(process: process, outputs: outputs, url: url, port: Int(port))
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        Glibc.kill(process.processIdentifier, SIGKILL)
        throw MCPChildError(
            message: "agent-retry \(arguments.prefix(2).joined(separator: " ")) named no URL; output: \(outputs.text)"
        )
    }

    /// Everything the child wrote to standard output and standard error so far.
    var output: String { self.outputs.text }

    /// The process id.
    var pid: Int32 { self.process.withLock { $0.processIdentifier } }

    /// Sends `number` (SIGTERM, SIGINT).
    func signal(_ number: Int32) {
        Glibc.kill(self.pid, number)
    }

    /// SIGKILL, then waits until the process is gone.
    func kill() async throws {
        self.signal(SIGKILL)
        _ = try await self.exitStatus()
    }

    /// SIGKILL to the child's process group (it and every command it runs), as an orchestrator
    /// stops a job; then waits until the child is gone.
    func killGroup() async throws {
        Glibc.kill(-self.pid, SIGKILL)
        _ = try await self.exitStatus()
    }

    /// Standard output so far, line by line.
    var outputLines: [String] { self.outputs.stdoutLines }

    /// Waits for the child to exit; its status.
    func exitStatus() async throws -> Int32 {
        let deadline = ContinuousClock.now + MCPChild.answerDeadline
        while self.process.withLock({ $0.isRunning }) {
            guard ContinuousClock.now < deadline else { throw MCPChildError(message: "still running: \(self.output)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.process.withLock { $0.terminationStatus }
    }
}

/// A child's standard output and standard error, each read on a thread of its own until EOF.
private final class ChildOutputs: Sendable {
    struct Bytes {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
    }

    private let bytes = Mutex(Bytes())

    func read(_ handle: FileHandle, standardOutput: Bool) {
        Thread {
            while true {
                let chunk = [UInt8](handle.availableData)
                if chunk.isEmpty { break }
                self.bytes.withLock { bytes in
                    if standardOutput { bytes.stdout += chunk } else { bytes.stderr += chunk }
                }
            }
        }.start()
    }

    /// The first whole line of standard output.
    var firstLine: String? {
        let stdout = self.bytes.withLock { $0.stdout }
        guard let newline = stdout.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return String(decoding: stdout[..<newline], as: UTF8.self)
    }

    var stdoutLines: [String] {
        String(decoding: self.bytes.withLock { $0.stdout }, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    var text: String {
        let bytes = self.bytes.withLock { $0 }
        return String(decoding: bytes.stdout + bytes.stderr, as: UTF8.self)
    }
}
