import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `waitpid`: the part of Foundation's
/// `Process` the tests and `webhooks listen --exec` use (the same member names), without
/// `Process.run()`, which crashed inside Foundation on Linux when the test suites launched children
/// in parallel, even one launch at a time.
///
/// Set ``executableURL``, ``arguments``, ``environment`` (this process's when `nil`) and the three
/// standard streams (a `Pipe`, a `FileHandle` or `nil` for /dev/null), then ``run()``. The child gets
/// default signal dispositions and an empty signal mask, and no descriptor of this process but its
/// three streams, so a pipe another test makes at the same moment never leaks into it. The pipes'
/// child-side ends are closed in this process once the child has them, as `Process` does, so that
/// reading a child's output ends when the child does.
package final class SpawnedProcess: @unchecked Sendable {
    /// Guarded by the mutex; the streams are Foundation objects the child setup only reads.
    private struct State: @unchecked Sendable {
        var executableURL: URL?
        var arguments: [String] = []
        var environment: [String: String]?
        var streams: [AnyObject?] = [nil, nil, nil]
        var pid: pid_t = 0
        var waitStatus: Int32?
        var startsProcessGroup = false
    }

    private let state = Mutex(State())

    /// Creates a process to configure and run.
    package init() {}

    /// The program to run.
    package var executableURL: URL? {
        get { self.state.withLock { $0.executableURL } }
        set { self.state.withLock { $0.executableURL = newValue } }
    }

    /// Its arguments, without the program's name.
    package var arguments: [String]? {
        get { self.state.withLock { $0.arguments } }
        set { self.state.withLock { $0.arguments = newValue ?? [] } }
    }

    /// Its whole environment; this process's when `nil`.
    package var environment: [String: String]? {
        get { self.state.withLock { $0.environment } }
        set { self.state.withLock { $0.environment = newValue } }
    }

    /// Standard input: a `Pipe` (its reading end), a `FileHandle`, or `nil` for /dev/null.
    package var standardInput: Any? {
        get { self.state.withLock { $0.streams[0] } }
        set { self.state.withLock { $0.streams[0] = newValue as AnyObject? } }
    }

    /// Standard output: a `Pipe` (its writing end), a `FileHandle`, or `nil` for /dev/null.
    package var standardOutput: Any? {
        get { self.state.withLock { $0.streams[1] } }
        set { self.state.withLock { $0.streams[1] = newValue as AnyObject? } }
    }

    /// Standard error: a `Pipe` (its writing end), a `FileHandle`, or `nil` for /dev/null.
    package var standardError: Any? {
        get { self.state.withLock { $0.streams[2] } }
        set { self.state.withLock { $0.streams[2] = newValue as AnyObject? } }
    }

    /// The child's process id once it runs; 0 before.
    package var processIdentifier: Int32 { self.state.withLock { $0.pid } }

    /// Whether the child has been started and has not exited yet (it is reaped when it has).
    package var isRunning: Bool {
        self.state.withLock { state in
            guard state.pid > 0, state.waitStatus == nil else { return false }
            var status: Int32 = 0
            let reaped = waitpid(state.pid, &status, WNOHANG)
            if reaped == state.pid { state.waitStatus = status }
            return reaped == 0
        }
    }

    /// The exit status, or the number of the signal that ended the child, as `Process` reports it.
    package var terminationStatus: Int32 {
        guard let status = self.state.withLock({ $0.waitStatus }) else { return -1 }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    /// Whether the child starts a process group of its own (its pid is the group's id), so that
    /// `kill(-pid, ...)` reaches it and every process it starts, as an orchestrator stops a job.
    /// Defaults to `false`: the child joins this process's group.
    package var startsProcessGroup: Bool {
        get { self.state.withLock { $0.startsProcessGroup } }
        set { self.state.withLock { $0.startsProcessGroup = newValue } }
    }

    /// Sends SIGTERM.
    package func terminate() {
        let pid = self.processIdentifier
        if pid > 0 { kill(pid, SIGTERM) }
    }

    /// Blocks the calling thread until the child exits: for a thread of its own, not a task.
    package func waitUntilExit() {
        while self.isRunning { usleep(10_000) }
    }

    /// Starts the child.
    ///
    /// - Throws: ``SpawnedProcessError`` when there is no executable or `posix_spawn` fails.
    package func run() throws {
        let (executable, arguments, environment, streams, group) = self.state.withLock {
            (
                $0.executableURL, $0.arguments, $0.environment ?? ProcessInfo.processInfo.environment, $0.streams,
                $0.startsProcessGroup
            )
        }
        guard let executable else { throw SpawnedProcessError(call: "run", code: ENOENT) }
        let descriptors = (0..<3).map { Self.childDescriptor(streams[$0], reading: $0 == 0) }
        let pid = try Self.spawn(
            executable.path,
            [executable.path] + arguments,
            environment: environment,
            descriptors: descriptors,
            processGroup: group
        )
        for (index, stream) in streams.enumerated() {
            guard let pipe = stream as? Pipe else { continue }
            try? (index == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
        }
        self.state.withLock { $0.pid = pid }
    }

    /// The descriptor the child gets for a stream: a pipe's end, a handle's, or -1 for /dev/null.
    private static func childDescriptor(_ stream: AnyObject?, reading: Bool) -> Int32 {
        if let pipe = stream as? Pipe {
            return reading ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
        }
        if let handle = stream as? FileHandle { return handle.fileDescriptor }
        return -1
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which its Swift module
    /// does not declare.
    private static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }

    private static func spawn(
        _ path: String,
        _ arguments: [String],
        environment: [String: String],
        descriptors: [Int32],
        processGroup: Bool
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, descriptor) in descriptors.enumerated() {
            if descriptor < 0 {
                let mode = target == 0 ? O_RDONLY : O_WRONLY
                posix_spawn_file_actions_addopen(&actions, Int32(target), "/dev/null", mode, 0)
            } else {
                posix_spawn_file_actions_adddup2(&actions, descriptor, Int32(target))
            }
        }
        guard let closeFrom = Self.closeFrom else { throw SpawnedProcessError(call: "closefrom", code: ENOSYS) }
        _ = closeFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if processGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnedProcessError(call: "posix_spawn", code: result) }
        return pid
    }
}

/// A child process could not be started.
package struct SpawnedProcessError: Error, CustomStringConvertible {
    /// The call that failed.
    package let call: String
    /// Its error number.
    package let code: Int32
    /// The call and its error.
    package var description: String { "\(self.call) failed: \(String(cString: strerror(self.code)))" }
}
