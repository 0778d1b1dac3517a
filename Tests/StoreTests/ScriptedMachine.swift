import AgentRetry
import Synchronization

/// A machine's process table in a test: processes that run until the test kills them, and ids whose
/// look-up the test scripts, so that stores decide on leases without real processes.
final class ScriptedMachine: Sendable {
    private struct Table {
        var observations: [Int: ProcessObservation] = [:]
        var nextID = 4_000_000
    }

    let host: String
    let bootID: String
    let pidNamespace: String
    private let table = Mutex(Table())

    init(host: String = "scripted-host", bootID: String = "boot-1", pidNamespace: String = "pid:[4026531836]") {
        self.host = host
        self.bootID = bootID
        self.pidNamespace = pidNamespace
    }

    /// A new running process of this machine: the table a store in it reads.
    func spawn() -> ScriptedProcess {
        let (processID, startTime) = self.table.withLock { table in
            table.nextID += 1
            let startTime = 1000 + table.nextID % 1000
            table.observations[table.nextID] = .running(startTime: startTime)
            return (table.nextID, startTime)
        }
        let identity = ProcessIdentity(
            host: self.host,
            bootID: self.bootID,
            pidNamespace: self.pidNamespace,
            processID: processID,
            startTime: startTime
        )
        return ScriptedProcess(machine: self, identity: identity)
    }

    /// What a look-up of `processID` finds from now on (`nil`: nothing has it).
    func script(_ processID: Int, _ observation: ProcessObservation?) {
        self.table.withLock { $0.observations[processID] = observation }
    }

    /// SIGKILL: nothing has the process's id any more.
    func kill(_ process: ScriptedProcess) {
        self.script(process.identity.processID, nil)
    }

    func observe(_ processID: Int) -> ProcessObservation {
        self.table.withLock { $0.observations[processID] } ?? .absent
    }
}

/// One process of a ``ScriptedMachine``, as the table its stores read.
struct ScriptedProcess: ProcessTable {
    let machine: ScriptedMachine
    let identity: ProcessIdentity

    var currentProcess: ProcessIdentity? { self.identity }

    func observe(processID: Int) -> ProcessObservation {
        self.machine.observe(processID)
    }
}
