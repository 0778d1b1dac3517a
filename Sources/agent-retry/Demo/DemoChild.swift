import AgentRetry
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One `agent-retry checkout` child process of the demo: started, SIGKILLed at its scheduled
/// moment if it is still running, and waited for without blocking the cooperative pool.
enum DemoChild {
    struct Exit {
        let status: Int32
        let killed: Bool
        let json: JSONValue?
    }

    /// This executable, for the children.
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()

    static func run(_ arguments: [String], killAfter: Duration?) async throws -> Exit {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["AGENT_RETRY_PAUSE_AT"] = nil
        environment["AGENT_RETRY_SECRET"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            exited.continuation.yield()
            exited.continuation.finish()
        }
        try process.run()
        let killer = Task {
            guard let killAfter else { return }
            try await Task.sleep(for: killAfter)
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        }
        let data = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: output.fileHandleForReading.readDataToEndOfFile()) }.start()
        }
        for await _ in exited.stream {}
        killer.cancel()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Exit(status: process.terminationStatus, killed: killed, json: try? JSONValue(parsing: [UInt8](data)))
    }
}
