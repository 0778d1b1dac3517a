import AgentRetryTesting
import Foundation
import Synchronization

/// Runs a Python 3 script in a child process and returns its exit status and output: how the
/// webhook tests compute signatures with Python's `hmac` and the `standardwebhooks` and Stripe packages.
/// `make test` installs the Python packages these need.
enum PythonCheck {
    struct Outcome {
        let status: Int32
        let output: String
    }

    static func run(_ script: String, arguments: [String]) async throws -> Outcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).py")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await Self.run(file: file, arguments: arguments)
    }

    /// Runs the script at `file` with `arguments`, its environment this process's with `environment` added.
    static func run(file: URL, arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", file.path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try ChildProcessLaunches.lock.withLock { _ in try process.run() }
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
