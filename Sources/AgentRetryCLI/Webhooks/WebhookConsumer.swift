import AgentRetry
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Gives one delivery to the consumer: `CMD` under `/bin/sh -c` with the delivery's JSON on
/// standard input (its output goes to this process's standard error), or one JSON line on standard
/// output. Succeeds when the line is written, or when `CMD` exits 0 within its timeout.
///
/// `CMD` runs in a process group of its own, so that a timeout kills all of it (a pipeline, a
/// script's children), not only the shell. Its environment is this process's without the
/// credentials AgentRetry reads (`PGPASSWORD`, `AGENT_RETRY_SECRET`, `AGENT_RETRY_API_KEY`).
struct WebhookConsumer: Sendable {
    enum Result: Sendable, Equatable {
        case success
        case failure(String)
    }

    /// The variables a command does not inherit.
    static let withheld = ["PGPASSWORD", "AGENT_RETRY_SECRET", "AGENT_RETRY_API_KEY"]

    let configuration: WebhookDeliveryLoop.Configuration

    func deliver(_ delivery: WebhookInboxDelivery) async -> Result {
        let line = Data(delivery.json.serialized() + [UInt8(ascii: "\n")])
        guard let command = self.configuration.command else {
            // A reader of standard output that stalls must not hold a task's thread.
            let written = await Self.onThread { (try? FileHandle.standardOutput.write(contentsOf: line)) != nil }
            return written ? .success : .failure("standard output is closed")
        }
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.startsProcessGroup = true
        var environment = ProcessInfo.processInfo.environment
        for name in Self.withheld { environment[name] = nil }
        environment["AGENT_RETRY_WEBHOOK_DEDUP_KEY"] = delivery.event.dedupKey
        environment["AGENT_RETRY_WEBHOOK_ATTEMPT"] = "\(delivery.attempt)"
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.standardError
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            return .failure("cannot start the command: \(error)")
        }
        // A command that does not read its input must not block a task: the write has a thread.
        let writer = input.fileHandleForWriting
        Thread.detachNewThread {
            try? writer.write(contentsOf: line)
            try? writer.close()
        }
        return await Self.wait(for: process, timeout: self.configuration.execTimeout)
    }

    /// Waits for the command; past `timeout`, or when the task is cancelled, its process group is
    /// killed and the delivery fails.
    private static func wait(for process: SpawnedProcess, timeout: Duration) async -> Result {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline || Task.isCancelled {
                kill(-process.processIdentifier, SIGKILL)
                while process.isRunning { usleep(1000) }
                return .failure(Task.isCancelled ? "cancelled" : "timed out after \(timeout.components.seconds) s")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let status = process.terminationStatus
        return status == 0 ? .success : .failure("exit status \(status)")
    }

    /// Runs `body` on a thread of its own and returns what it returned.
    private static func onThread(_ body: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
