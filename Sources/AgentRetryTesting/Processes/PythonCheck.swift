import AgentRetry
import Foundation
import Synchronization

/// Runs a Python 3 script in a child process and returns its exit status and output: how the
/// tests let real third-party tools judge AgentRetry (the official Stripe and MCP SDKs, `jsonschema`,
/// `standardwebhooks`). `make test` installs the Python packages these need. Every test target
/// shares this one, and launches it as a ``SpawnedProcess``.
package enum PythonCheck {
    /// How the script ended.
    package struct Outcome: Sendable {
        /// Its exit status.
        package let status: Int32
        /// Its standard output and standard error, interleaved.
        package let output: String
    }

    /// Runs `script` (Python source) with `arguments`.
    package static func run(_ script: String, arguments: [String]) async throws -> Outcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).py")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await Self.run(file: file, arguments: arguments)
    }

    /// Runs the script at `file` with `arguments`, its environment this process's with `environment` added.
    package static func run(file: URL, arguments: [String], environment: [String: String] = [:]) async throws -> Outcome
    {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", file.path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = await withCheckedContinuation { continuation in
            Thread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        return Outcome(status: process.terminationStatus, output: text)
    }
}
