import AgentRetryTesting
import Foundation
import Synchronization

/// Runs a Python 3 script in a child process and returns its exit status and output, so that a real
/// third-party validator (`jsonschema`) judges what the models write. A copy of MockPaymentServerTests'
/// helper of the same name; `make test` installs the Python packages.
enum PythonCheck {
    struct Outcome {
        let status: Int32
        let output: String
    }

    static func run(_ script: String, arguments: [String]) async throws -> Outcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).py")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", file.path] + arguments
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
