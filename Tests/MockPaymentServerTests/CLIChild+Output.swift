import AgentRetry
import AgentRetryTesting
import Foundation

extension CLIChild {
    /// Runs `agent-retry ARGUMENTS` to its end: its exit status, its standard output as text and as
    /// JSON (`null` when it is not JSON).
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, json: JSONValue) {
        let child = try Self.start(arguments)
        let output = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: child.stdout.fileHandleForReading.readDataToEndOfFile()) }.start()
        }
        while child.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        let text = String(decoding: output, as: UTF8.self)
        return (child.process.terminationStatus, text, (try? JSONValue(parsing: [UInt8](output))) ?? .null)
    }

    /// Whether `stdout` is exactly one JSON object on one line.
    static func isOneJSONObject(_ stdout: String) -> Bool {
        guard stdout.hasSuffix("\n"), stdout.filter({ $0 == "\n" }).count == 1,
            case .object = (try? JSONValue(parsing: Array(stdout.utf8))) ?? .null
        else { return false }
        return true
    }
}
