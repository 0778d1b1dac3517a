import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The process table of Linux's `/proc`: this process's identity (host name, boot id, pid
/// namespace, pid, start time), and `kill(pid, 0)` with `/proc/PID/stat` for any other id.
///
/// Where `/proc` cannot be read (another system, a sandbox), ``currentProcess`` is `nil` and every
/// look-up is ``ProcessObservation/unknown``: leases are then waited for until they expire.
package struct SystemProcessTable: ProcessTable {
    /// This process, read once.
    package static let shared = SystemProcessTable()

    package let currentProcess: ProcessIdentity?

    /// Reads this process's identity.
    package init() {
        let processID = Int(getpid())
        let bootID = Self.readFile("/proc/sys/kernel/random/boot_id")?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let host = Self.hostName(), let bootID, !bootID.isEmpty,
            let namespace = Self.readLink("/proc/self/ns/pid"),
            let stat = Self.stat(of: processID)
        else {
            self.currentProcess = nil
            return
        }
        self.currentProcess = ProcessIdentity(
            host: host,
            bootID: bootID,
            pidNamespace: namespace,
            processID: processID,
            startTime: stat.startTime
        )
    }

    package func observe(processID: Int) -> ProcessObservation {
        // kill(0) is not hidden by /proc's hidepid option and answers for other users' processes
        // too (EPERM): ESRCH is the only proof that nothing has the id.
        guard processID > 0, processID <= Int(Int32.max) else { return .unknown }
        if Self.noSuchProcess(processID) { return .absent }
        guard let stat = Self.stat(of: processID) else {
            // Gone between the two looks, or hidden from this user.
            return Self.noSuchProcess(processID) ? .absent : .unknown
        }
        if stat.state == "Z" || stat.state == "X" { return .exited }
        return .running(startTime: stat.startTime)
    }

    /// The state (field 3) and start time (field 22) in `/proc/PID/stat`. The command name
    /// (field 2) is in parentheses and may hold spaces and parentheses: fields are counted after
    /// the last `)`.
    static func stat(of processID: Int) -> (state: Character, startTime: Int)? {
        guard let text = Self.readFile("/proc/\(processID)/stat") else { return nil }
        return Self.parseStat(text)
    }

    /// The state and start time in the text of a `/proc/PID/stat` file.
    package static func parseStat(_ text: String) -> (state: Character, startTime: Int)? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
        guard fields.count > 19, let state = fields[0].first, let start = Int(fields[19]) else { return nil }
        return (state, start)
    }

    private static func noSuchProcess(_ processID: Int) -> Bool {
        kill(pid_t(processID), 0) != 0 && errno == ESRCH
    }

    private static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A small file's text, read to its end (`/proc` files report a size of 0).
    private static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16 {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
