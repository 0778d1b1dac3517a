import AgentRetry
import Foundation
import MockPaymentServer

/// What one run of the demo shows, counted from the mock server's journal and ledger (requests,
/// faults, charges) and from the orchestrator's records (kills, how each task ended). Every task
/// lands in exactly one of completed, declined, needs input, pending, other ended and lost.
struct DemoFigures {
    let strategy: DemoRun.Strategy
    let tasks: Int
    let requests: Int
    let faults: Int
    let kills: Int
    let killsScheduled: Int
    let completed: Int
    let declined: Int
    let needsInput: Int
    /// Pending, each with the reason the agent gave.
    let pending: [(id: String, reason: String)]
    /// Canceled or expired: ended, definitively.
    let otherEnded: Int
    /// Charges and orders beyond the first of a task, from the ledger.
    let duplicateCharges: Int
    /// Tasks with more than one charge or order, from the ledger.
    let duplicatedTasks: Int
    /// Charges the ledger could not attribute to a task.
    let unattributedCharges: Int
    /// Tasks with no definitive outcome and no reason to wait (killed, errors, conflicts, needs
    /// reconciliation, a lease never freed), and tasks whose reported outcome the ledger
    /// contradicts (completed without a charge, unpaid with one).
    let lost: [(id: String, why: String)]
    let p50: Duration
    let p99: Duration
    let wall: Duration
    /// The reconcile step's figures (Stripe runs), `nil` where it does not run (ACP: no listing).
    var reconcile: DemoReconcile.Figures?

    init(
        strategy: DemoRun.Strategy,
        results: [DemoRun.TaskResult],
        journal: [JournalEntry],
        ledger: [LedgerEntry],
        wall: Duration
    ) {
        self.strategy = strategy
        self.tasks = results.count
        self.requests = journal.count
        self.faults = journal.filter { $0.fault != nil }.count
        self.kills = results.reduce(0) { $0 + $1.kills }
        self.killsScheduled = results.reduce(0) { $0 + $1.killsScheduled }
        var charges: [String: Int] = [:]
        var unattributed = 0
        for entry in ledger where entry.kind == "charge" || entry.kind == "order" {
            if let task = entry.taskID { charges[task, default: 0] += 1 } else { unattributed += 1 }
        }
        self.duplicateCharges = charges.values.reduce(0) { $0 + max(0, $1 - 1) }
        self.duplicatedTasks = charges.values.filter { $0 > 1 }.count
        self.unattributedCharges = unattributed
        var completed = 0
        var declined = 0
        var needsInput = 0
        var otherEnded = 0
        var pending: [(String, String)] = []
        var lost: [(String, String)] = []
        for result in results.sorted(by: { $0.id < $1.id }) {
            let charged = charges[result.id, default: 0] > 0
            let unpaid: Set<String> = ["declined", "needs_input", "canceled", "expired"]
            switch result.status {
            case "completed" where charged: completed += 1
            case "completed": lost.append((result.id, "reported completed, but the ledger has no charge"))
            case let status where charged && unpaid.contains(status):
                lost.append((result.id, "reported \(status), but the ledger has a charge"))
            case "declined": declined += 1
            case "needs_input": needsInput += 1
            case "canceled", "expired": otherEnded += 1
            case "pending" where result.reason != nil: pending.append((result.id, result.reason ?? ""))
            default:
                lost.append((result.id, "\(result.status); invocations: \(result.history.joined(separator: " | "))"))
            }
        }
        (self.completed, self.declined, self.needsInput, self.otherEnded) = (
            completed, declined, needsInput, otherEnded
        )
        self.pending = pending
        self.lost = lost
        let times = results.map(\.elapsed).sorted()
        self.p50 = times.isEmpty ? .zero : times[(times.count - 1) / 2]
        self.p99 =
            times.isEmpty ? .zero : times[min(times.count - 1, Int((Double(times.count) * 0.99).rounded(.up)) - 1)]
        self.wall = wall
    }

    var json: JSONValue {
        [
            "run": .string(self.strategy.rawValue), "tasks": .number(Double(self.tasks)),
            "requests": .number(Double(self.requests)),
            "faults_injected": .number(Double(self.faults)), "kills": .number(Double(self.kills)),
            "kills_scheduled": .number(Double(self.killsScheduled)),
            "completed": .number(Double(self.completed)), "declined": .number(Double(self.declined)),
            "needs_input": .number(Double(self.needsInput)), "pending": .number(Double(self.pending.count)),
            "pending_tasks": .array(self.pending.map { ["task_id": .string($0.id), "reason": .string($0.reason)] }),
            "other_ended": .number(Double(self.otherEnded)),
            "duplicate_charges": .number(Double(self.duplicateCharges)),
            "tasks_charged_more_than_once": .number(Double(self.duplicatedTasks)),
            "unattributed_charges": .number(Double(self.unattributedCharges)),
            "lost_tasks": .number(Double(self.lost.count)),
            "lost": .array(self.lost.map { ["task_id": .string($0.id), "why": .string($0.why)] }),
            "p50_task_ms": .number(Double(Self.milliseconds(self.p50))),
            "p99_task_ms": .number(Double(Self.milliseconds(self.p99))),
            "wall_seconds": .number((Double(Self.milliseconds(self.wall)) / 100).rounded() / 10),
            "reconcile": self.reconcile?.json ?? .null,
        ]
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
