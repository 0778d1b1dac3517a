import AgentRetry
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Gives one delivery to the consumer: `CMD` under `/bin/sh -c` with the delivery's JSON on
/// standard input (its output goes to this process's standard error), or one JSON line on standard
/// output. Succeeds when the line is written, or when `CMD` exits 0 within its timeout.
struct WebhookConsumer: Sendable {
    enum Result: Sendable, Equatable {
        case success
        case failure(String)
    }

    let configuration: WebhookDeliveryLoop.Configuration

    func deliver(_ delivery: WebhookInboxDelivery) async -> Result {
        let line = Data(delivery.json.serialized() + [UInt8(ascii: "\n")])
        guard let command = self.configuration.command else {
            do {
                try FileHandle.standardOutput.write(contentsOf: line)
                return .success
            } catch {
                return .failure("standard output is closed")
            }
        }
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
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

    /// Waits for the command; past `timeout` it is killed and the delivery fails.
    private static func wait(for process: SpawnedProcess, timeout: Duration) async -> Result {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                await process.waitForExit()
                return .failure("timed out after \(timeout.components.seconds) s")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let status = process.terminationStatus
        return status == 0 ? .success : .failure("exit status \(status)")
    }
}
