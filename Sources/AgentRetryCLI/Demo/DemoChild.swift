import AgentRetry
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One `agent-retry checkout` child process of the demo: spawned with `posix_spawn`, SIGKILLed the
/// moment it reaches its scheduled crash point (`demo-worker --pause-at`, reported on its stderr),
/// and waited for on threads of its own, never blocking the cooperative pool.
///
/// Not Foundation's `Process`: under the demo's load of launches its `run()` crashed now and then
/// inside a `memmove` (seen twice in a dozen 600-task runs, also with launches serialized).
enum DemoChild {
    struct Exit {
        let status: Int32
        let killed: Bool
        let json: JSONValue?
        /// The last line the child wrote to stderr, for diagnostics.
        let lastError: String?
    }

    struct SpawnError: Error, CustomStringConvertible {
        let call: String
        let code: Int32
        var description: String { "\(self.call) failed: \(String(cString: strerror(self.code)))" }
    }

    /// This executable, for the children.
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

    /// Children still running, so an interrupted demo can kill them.
    static let running = Mutex<Set<pid_t>>([])

    /// Runs a child; with `killAt`, it pauses at that step and is SIGKILLed there (a child that
    /// never reaches the step runs to its end).
    static func run(_ arguments: [String], killAt: String?) async throws -> Exit {
        var environment = ProcessInfo.processInfo.environment
        environment["AGENT_RETRY_SECRET"] = nil
        let (pid, output, errors) = try Self.spawn([Self.executable] + arguments, environment: environment)
        Self.running.withLock { _ = $0.insert(pid) }
        defer { Self.running.withLock { _ = $0.remove(pid) } }
        async let outputData = Self.onThread { Self.readAll(output) }
        async let lastError = Self.onThread { Self.watchErrors(errors, pid: pid) }
        let status = await Self.onThread { () -> Int32 in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return status
        }
        let data = await outputData
        let signal = status & 0x7F
        return Exit(
            status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
            killed: signal == SIGKILL,
            json: try? JSONValue(parsing: data),
            lastError: await lastError
        )
    }

    /// Stops spawning, SIGKILLs every child still running and waits (up to a second) until they
    /// are gone: an interrupted demo.
    static func killAll() {
        let children = Self.spawning.withLock { stopping -> Set<pid_t> in
            stopping = true
            return Self.running.withLock { $0 }
        }
        for pid in children { kill(pid, SIGKILL) }
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline && !Self.running.withLock({ $0.isEmpty }) { usleep(10_000) }
    }

    /// `posix_spawn` with stdin from /dev/null and stdout, stderr into pipes; returns the pid and
    /// the pipes' read ends.
    private static func spawn(_ arguments: [String], environment: [String: String]) throws -> (pid_t, Int32, Int32) {
        // One spawn at a time: a pipe made while another child is being spawned must not leak into
        // it (its write end would keep this child's output open), so close-on-exec is set before
        // anyone else spawns.
        try Self.spawning.withLock { stopping in
            guard !stopping else { throw SpawnError(call: "posix_spawn", code: ECANCELED) }
            return try Self.spawnAlone(arguments, environment: environment)
        }
    }

    /// Whether the demo was interrupted: the signal handler ends the process, so the runs wait.
    static var isStopping: Bool { Self.spawning.withLock { $0 } }

    /// Held while spawning; `true` once the demo is interrupted and spawns no more.
    private static let spawning = Mutex(false)

    private static func spawnAlone(_ arguments: [String], environment: [String: String]) throws -> (pid_t, Int32, Int32)
    {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { throw SpawnError(call: "pipe", code: errno) }
        guard pipe(&errorPipe) == 0 else {
            close(outputPipe[0])
            close(outputPipe[1])
            throw SpawnError(call: "pipe", code: errno)
        }
        for descriptor in outputPipe + errorPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The demo ignores SIGINT and SIGTERM (it handles them); its children get the defaults back.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        guard result == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw SpawnError(call: "posix_spawn", code: result)
        }
        return (pid, outputPipe[0], errorPipe[0])
    }

    /// Everything the child writes to `descriptor`, then closes it.
    private static func readAll(_ descriptor: Int32) -> [UInt8] {
        defer { close(descriptor) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { data += buffer[0..<count] } else if count == 0 || errno != EINTR { break }
        }
        return data
    }

    /// Reads the child's stderr line by line: its `paused:` line triggers the kill. Returns the
    /// last other line.
    private static func watchErrors(_ descriptor: Int32, pid: pid_t) -> String? {
        defer { close(descriptor) }
        var last: String?
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending += buffer[0..<count]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                if line.hasPrefix("paused:") {
                    kill(pid, SIGKILL)
                } else if !line.isEmpty {
                    last = line
                }
            }
        }
        return last
    }

    /// Runs blocking work on a thread of its own and awaits its result.
    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }
}
