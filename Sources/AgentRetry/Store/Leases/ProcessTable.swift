/// What a look-up in the process table found of one process id.
package enum ProcessObservation: Sendable, Hashable {
    /// No process has this id.
    case absent
    /// A process that has ended but whose parent has not reaped it yet (a zombie).
    case exited
    /// A running process with this id, started at `startTime` (clock ticks since boot).
    case running(startTime: Int)
    /// The table could not be read for this id.
    case unknown
}

/// The machine's process table as a store's leases see it: this process's identity, and what now
/// has a given process id. The SQLite store reads `/proc` (``SystemProcessTable``); tests inject a
/// table of their own.
package protocol ProcessTable: Sendable {
    /// This process, as its leases record it; `nil` where that cannot be read (no `/proc`).
    var currentProcess: ProcessIdentity? { get }
    /// What has the id `processID` in this machine's (and this pid namespace's) table now.
    func observe(processID: Int) -> ProcessObservation
}
