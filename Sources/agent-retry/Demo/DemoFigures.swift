import AgentRetry
import Foundation
import MockPaymentServer

/// What one run of the demo shows, counted from the mock server's journal and ledger (requests,
/// faults, charges) and from the orchestrator's own records (kills, how each task ended).
struct DemoFigures {
    let strategy: DemoRun.Strategy
    let tasks: Int
    let requests: Int
    let faults: Int
    let kills: Int
    let completed: Int
    let declined: Int
    let needsInput: Int
    let pending: Int
    /// Canceled, expired, conflict, needs reconciliation: ended, with a reason.
    let otherEnded: Int
    /// Charges and orders beyond the first of a task, from the ledger.
    let duplicateCharges: Int
    /// Tasks with more than one charge or order, from the ledger.
    let duplicatedTasks: Int
    /// Tasks neither completed, nor definitively ended, nor pending with a reason; and tasks the
    /// agent calls completed that the ledger has no charge for.
    let lost: [String]
    /// How each lost task ended: its last status and reason.
    let lostDetails: [JSONValue]
    let p50: Duration
    let p99: Duration
    let wall: Duration

    init(strategy: DemoRun.Strategy, results: [DemoRun.TaskResult], journal: [JournalEntry], ledger: [LedgerEntry], wall: Duration) {
        self.strategy = strategy
        self.tasks = results.count
        self.requests = journal.count
        self.faults = journal.filter { $0.fault != nil }.count
        self.kills = results.reduce(0) { $0 + $1.kills }
        func count(_ status: String) -> Int { results.filter { $0.status == status }.count }
        self.completed = count("completed")
        self.declined = count("declined")
        self.needsInput = count("needs_input")
        self.pending = results.filter { $0.status == "pending" && $0.reason != nil }.count
        self.otherEnded = ["canceled", "expired", "conflict", "needs_reconciliation"].reduce(0) { $0 + count($1) }
        var charges: [String: Int] = [:]
        for entry in ledger where entry.kind == "charge" || entry.kind == "order" {
            charges[entry.taskID ?? "", default: 0] += 1
        }
        self.duplicateCharges = charges.values.reduce(0) { $0 + max(0, $1 - 1) }
        self.duplicatedTasks = charges.values.filter { $0 > 1 }.count
        let ended: Set<String> = ["completed", "declined", "needs_input", "canceled", "expired", "conflict", "needs_reconciliation"]
        self.lost = results.filter { result in
            if result.status == "completed" { return charges[result.id, default: 0] == 0 }
            if result.status == "pending" { return result.reason == nil }
            return !ended.contains(result.status)
        }.map(\.id).sorted()
        let lostIDs = Set(self.lost)
        self.lostDetails = results.filter { lostIDs.contains($0.id) }.sorted { $0.id < $1.id }.map { result in
            ["task_id": .string(result.id), "status": .string(result.status), "reason": result.reason.map(JSONValue.string) ?? .null,
             "invocations": .number(Double(result.invocations)), "kills": .number(Double(result.kills)),
             "history": .array(result.history.map(JSONValue.string))]
        }
        let times = results.map(\.elapsed).sorted()
        self.p50 = times.isEmpty ? .zero : times[(times.count - 1) / 2]
        self.p99 = times.isEmpty ? .zero : times[min(times.count - 1, Int((Double(times.count) * 0.99).rounded(.up)) - 1)]
        self.wall = wall
    }

    var json: JSONValue {
        [
            "run": .string(self.strategy.rawValue), "tasks": .number(Double(self.tasks)), "requests": .number(Double(self.requests)),
            "faults_injected": .number(Double(self.faults)), "kills": .number(Double(self.kills)),
            "completed": .number(Double(self.completed)), "declined": .number(Double(self.declined)),
            "needs_input": .number(Double(self.needsInput)), "pending": .number(Double(self.pending)),
            "other_ended": .number(Double(self.otherEnded)), "duplicate_charges": .number(Double(self.duplicateCharges)),
            "tasks_charged_more_than_once": .number(Double(self.duplicatedTasks)),
            "lost_tasks": .number(Double(self.lost.count)), "lost_task_ids": .array(self.lost.map(JSONValue.string)), "lost": .array(self.lostDetails),
            "p50_task_ms": .number(Double(Self.milliseconds(self.p50))), "p99_task_ms": .number(Double(Self.milliseconds(self.p99))),
            "wall_seconds": .number((Double(Self.milliseconds(self.wall)) / 100).rounded() / 10),
        ]
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
