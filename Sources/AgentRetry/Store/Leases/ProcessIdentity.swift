/// A process as a lease records it: enough for another process on the same machine to tell, from
/// the process table, whether it is still the same process.
///
/// A process id names one process only within one pid namespace of one boot of one machine, and
/// ids are reused: the start time (field 22 of `/proc/PID/stat`, in clock ticks since boot) tells
/// the holder from a later process that got the same id.
public struct ProcessIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The machine's host name.
    public var host: String
    /// The boot's id (`/proc/sys/kernel/random/boot_id`), new at every boot of the machine.
    public var bootID: String
    /// The pid namespace (`/proc/self/ns/pid`, such as `pid:[4026531836]`): containers on one
    /// machine share its boot id but each has a namespace of its own.
    public var pidNamespace: String
    /// The process id.
    public var processID: Int
    /// When the process started, in clock ticks since boot.
    public var startTime: Int

    /// Creates an identity.
    public init(host: String, bootID: String, pidNamespace: String, processID: Int, startTime: Int) {
        self.host = host
        self.bootID = bootID
        self.pidNamespace = pidNamespace
        self.processID = processID
        self.startTime = startTime
    }

    /// `pid 1234 (started at tick 5678) on HOST`.
    public var description: String {
        "pid \(self.processID) (started at tick \(self.startTime)) on \(self.host)"
    }
}
