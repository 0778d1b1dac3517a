import AgentRetry
import AgentRetryTesting
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `agent-retry mcp` as a real child process, driven over stdio exactly as an MCP host drives it:
/// JSON-RPC lines on its standard input, its answers and notifications read line by line from its
/// standard output, its standard error kept for the tests that check what it logs.
final class MCPChild: Sendable {
    private let process: Mutex<SpawnedProcess>
    private let input: FileHandle
    private let messages = Mutex<[JSONValue]>([])
    private let stdoutBytes = Mutex<[UInt8]>([])
    private let stderrBytes = Mutex<[UInt8]>([])

    /// How long a test waits for an answer before it records a failure (a safety net, not an assertion).
    static let answerDeadline = Duration.seconds(60)

    private init(process: SpawnedProcess, input: FileHandle) {
        self.process = Mutex(process)
        self.input = input
    }

    /// Starts `agent-retry mcp ARGUMENTS` with `AGENT_RETRY_API_KEY=apiKey`.
    static func start(_ arguments: [String], apiKey: String = testKey) throws -> MCPChild {
        let process = SpawnedProcess()
        process.executableURL = CLIChild.executable
        process.arguments = ["mcp"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["AGENT_RETRY_API_KEY"] = apiKey
        process.environment = environment
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let child = MCPChild(process: process, input: stdin.fileHandleForWriting)
        child.read(stdout.fileHandleForReading, standardOutput: true)
        child.read(stderr.fileHandleForReading, standardOutput: false)
        return child
    }

    /// Reads `handle` on a thread of its own until EOF; standard output is parsed line by line.
    private func read(_ handle: FileHandle, standardOutput: Bool) {
        Thread {
            var pending: [UInt8] = []
            while true {
                let chunk = [UInt8](handle.availableData)
                if chunk.isEmpty { break }
                guard standardOutput else {
                    self.stderrBytes.withLock { $0 += chunk }
                    continue
                }
                self.stdoutBytes.withLock { $0 += chunk }
                pending += chunk
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeFirst(newline + 1)
                    if let message = try? JSONValue(parsing: line) { self.messages.withLock { $0.append(message) } }
                }
            }
        }.start()
    }

    /// Everything the child wrote to standard output and standard error so far.
    var output: String {
        String(decoding: self.stdoutBytes.withLock { $0 } + self.stderrBytes.withLock { $0 }, as: UTF8.self)
    }

    /// Every message the child sent so far.
    var received: [JSONValue] { self.messages.withLock { $0 } }

    /// Writes one JSON-RPC message as a line.
    func send(_ message: JSONValue) {
        self.input.write(Data(message.serialized() + [UInt8(ascii: "\n")]))
    }

    /// Sends request `id`.
    func sendRequest(_ id: Int, _ method: String, _ params: JSONValue = [:]) {
        self.send(["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": params])
    }

    /// The answer to request `id` (its whole message), waiting for it.
    func answer(_ id: Int) async throws -> JSONValue {
        let deadline = ContinuousClock.now + Self.answerDeadline
        while ContinuousClock.now < deadline {
            if let found = self.received.first(where: { $0["id"]?.numberValue == Double(id) }) { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw MCPChildError(message: "no answer to request \(id); output: \(self.output)")
    }

    /// Sends request `id` and waits for its answer.
    func request(_ id: Int, _ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        self.sendRequest(id, method, params)
        return try await self.answer(id)
    }

    /// The MCP handshake: `initialize`, then `notifications/initialized`.
    func initialize() async throws {
        let answer = try await self.request(
            0,
            "initialize",
            ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "tests", "version": "1"]]
        )
        guard answer["result"]?["serverInfo"] != nil else { throw MCPChildError(message: "initialize: \(answer)") }
        self.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
    }

    /// The `tools/call` params for `name` with `arguments`.
    static func call(_ name: String, _ arguments: JSONValue, meta: JSONValue? = nil) -> JSONValue {
        var params: [String: JSONValue] = ["name": .string(name), "arguments": arguments]
        if let meta { params["_meta"] = meta }
        return .object(params)
    }

    /// Calls tool `name` as request `id`; its result (`structuredContent`, `isError`, `content`).
    func callTool(_ id: Int, _ name: String, _ arguments: JSONValue) async throws -> JSONValue {
        let answer = try await self.request(id, "tools/call", Self.call(name, arguments))
        guard let result = answer["result"] else { throw MCPChildError(message: "tools/call \(id): \(answer)") }
        return result
    }

    /// SIGKILL, then waits until the process is gone.
    func kill() async throws {
        let pid = self.process.withLock { $0.processIdentifier }
        Glibc.kill(pid, SIGKILL)
        while self.process.withLock({ $0.isRunning }) { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// Closes standard input (the host went away) and waits for the exit status.
    func close() async throws -> Int32 {
        try self.input.close()
        while self.process.withLock({ $0.isRunning }) { try await Task.sleep(for: .milliseconds(10)) }
        return self.process.withLock { $0.terminationStatus }
    }
}

/// A child that did not answer as an MCP server should.
struct MCPChildError: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}
