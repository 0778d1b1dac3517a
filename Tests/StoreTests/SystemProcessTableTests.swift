import AgentRetry
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `/proc` as the SQLite store reads it: this process, a running child, the same child as a zombie
/// after SIGKILL, and no process once it is reaped.
@Suite("The process table in /proc")
struct SystemProcessTableTests {
    @Test("This process's identity: host name, boot id, pid namespace, pid and start time, and it runs")
    func currentProcess() throws {
        let table = SystemProcessTable()
        let current = try #require(table.currentProcess)
        #expect(current.processID == Int(getpid()))
        #expect(current.host == ProcessInfo.processInfo.hostName || !current.host.isEmpty)
        let bootID = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        #expect(current.bootID == bootID.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(current.pidNamespace.hasPrefix("pid:["))
        #expect(current.startTime > 0)
        #expect(table.observe(processID: current.processID) == .running(startTime: current.startTime))
        #expect(SystemProcessTable.shared.currentProcess == current)
    }

    @Test("A child runs with a start time of its own; SIGKILLed it is a zombie, reaped it is gone")
    func childLifecycle() async throws {
        let table = SystemProcessTable()
        var child: pid_t = 0
        let arguments = ["sleep", "600"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        #expect(posix_spawn(&child, "/bin/sleep", nil, nil, &argv, environ) == 0)
        let started = table.observe(processID: Int(child))
        guard case .running(let startTime) = started else {
            Issue.record("the child is \(started)")
            return
        }
        #expect(startTime >= table.currentProcess?.startTime ?? 0)

        kill(child, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(10)
        while table.observe(processID: Int(child)) != .exited && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(table.observe(processID: Int(child)) == .exited)
        var status: Int32 = 0
        #expect(waitpid(child, &status, 0) == child)
        #expect(table.observe(processID: Int(child)) == .absent)
    }

    @Test("Ids that name no process: none, or unusable")
    func unusableIDs() {
        let table = SystemProcessTable()
        #expect(table.observe(processID: 0) == .unknown)
        #expect(table.observe(processID: -1) == .unknown)
        #expect(table.observe(processID: Int(Int32.max)) == .absent)
    }

    @Test("A stat line whose command name holds spaces and parentheses is read after its last parenthesis")
    func statLine() throws {
        let fields = (4...52).map(String.init).joined(separator: " ")
        let line = "4242 (we (ird) name) S \(fields)\n"
        let parsed = try #require(SystemProcessTable.parseStat(line))
        #expect(parsed.state == "S")
        #expect(parsed.startTime == 22)
        #expect(SystemProcessTable.parseStat("4242 (truncated) S 1 2") == nil)
    }
}
