import AgentRetry
import AgentRetryPostgres
import ArgumentParser
import Foundation
import MockPaymentServer

/// `agent-retry demo`: the crash-and-fault demo. The same tasks, faults and kills, three times:
/// with a new key per attempt, with SDK-style in-memory keys, and with AgentRetry. The mock
/// server's ledger says who charged twice.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Prove exactly-once under faults and SIGKILLs, side by side with how agents retry today.",
        discussion:
            "Starts the mock payment server in-process with a seeded fault mix, runs each task as an orchestrated "
            + "`agent-retry checkout` child process, SIGKILLs a share of them at random moments and re-invokes them. "
            + "Runs naive, sdk-style and agentretry on the same task list, fault mix and kill schedule. "
            + "A Stripe run ends with `reconcile --refund-duplicates` over its charges (faults off). "
            + "Exit status 1 if agentretry shows a duplicate charge or a lost task, or a reconcile misses a "
            + "duplicate the ledger counts or refunds one other than once."
    )

    @Option(help: "Agent tasks per run.") var tasks = 200
    @Option(help: "Child processes at once.") var concurrency = 8
    @Option(help: "Seeds the task list, the fault draws and the kill schedule.") var seed: UInt64 = 42
    @Option(name: .customLong("fault-rate"), help: "Share of requests the server faults, 0 to 1.") var faultRate = 0.3
    @Option(name: .customLong("kill-rate"), help: "Share of child processes SIGKILLed, 0 to 1.") var killRate = 0.2
    @Option(name: .customLong("protocol"), help: "acp or stripe.")
    var paymentProtocol = "acp"
    @Option(help: "Run only these (naive, sdk-style, agentretry); repeatable.") var only: [String] = []
    @Option(
        name: .customLong("merchant-profile"),
        help: "How the mock ACP merchant behaves: spec, fastapi or plain (see Documentation/MockPaymentServer.md)."
    ) var merchantProfile = "spec"
    @Option(
        name: .customLong("max-resubmissions"),
        help: "Re-invocations of a task after a kill or a non-terminal exit."
    ) var maxResubmissions = 5
    @Option(
        help: """
            The agentretry run's shared store: postgres://USER@HOST:PORT/DB (password in PGPASSWORD), \
            or a SQLite file. Default: a new SQLite file.
            """
    )
    var store: String?
    @Flag(help: "Print the figures as one JSON object instead of the table.") var json = false

    func validate() throws {
        guard (1...100_000).contains(self.tasks) else { throw ValidationError("--tasks must be between 1 and 100000") }
        guard (1...256).contains(self.concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 256")
        }
        guard (0...1).contains(self.faultRate) else { throw ValidationError("--fault-rate must be between 0 and 1") }
        guard (0...1).contains(self.killRate) else { throw ValidationError("--kill-rate must be between 0 and 1") }
        try CheckoutMerchant.validate(protocol: self.paymentProtocol)
        guard MerchantProfile(rawValue: self.merchantProfile) != nil else {
            throw ValidationError(
                "--merchant-profile takes " + MerchantProfile.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        guard (0...20).contains(self.maxResubmissions) else {
            throw ValidationError("--max-resubmissions must be between 0 and 20")
        }
        if let store = self.store, PostgresIdempotencyStore.Configuration.isConnectionString(store) {
            do {
                _ = try PostgresIdempotencyStore.Configuration(connectionString: store)
            } catch {
                throw ValidationError(error.message)
            }
        }
        for name in self.only where DemoRun.Strategy(rawValue: name) == nil {
            throw ValidationError("--only takes naive, sdk-style or agentretry, not \(name)")
        }
    }

    func run() async throws {
        if let store = self.store, PostgresIdempotencyStore.Configuration.isConnectionString(store) {
            // Reach the database (and create its schema) once, before any child depends on it.
            await
                (try PostgresIdempotencyStore.connect(
                    try PostgresIdempotencyStore.Configuration(connectionString: store)
                )).close()
        }
        let strategies = DemoRun.Strategy.allCases.filter { self.only.isEmpty || self.only.contains($0.rawValue) }
        let plan = DemoPlan(
            tasks: self.tasks,
            seed: self.seed,
            faultRate: self.faultRate,
            killRate: self.killRate,
            maximumResubmissions: self.maxResubmissions,
            stripe: self.paymentProtocol == "stripe"
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agent-retry-demo-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Ctrl-C or SIGTERM: the children run in sessions of their own, so they are killed here,
        // and the scratch directory goes with them.
        let interruption = DemoInterruption(directory: directory)
        defer { interruption.cancel() }
        let settings = DemoRun.Settings(
            protocolName: self.paymentProtocol,
            merchantProfile: MerchantProfile(rawValue: self.merchantProfile) ?? .spec,
            concurrency: self.concurrency,
            maximumResubmissions: self.maxResubmissions,
            directory: directory,
            store: self.store,
            namespace: "demo-\(UUID().uuidString.prefix(8).lowercased())"
        )
        if !self.json {
            Self.say(
                """
                agent-retry demo: \(self.tasks) \(self.paymentProtocol.uppercased()) checkout tasks per run\
                \(self.paymentProtocol != "stripe" ? " (a \(self.merchantProfile) merchant)" : ""), \
                \(self.concurrency) at a time, seed \(self.seed)\(self.storeDescription); the mock server faults \
                \(Int(self.faultRate * 100))% of requests (most of them timeout-but-success); \
                \(Int(self.killRate * 100))% of agent processes are SIGKILLed and re-invoked.
                Only the key strategy differs between runs. Duplicate charges are counted from the server's ledger.

                """
            )
        }
        var runs: [DemoFigures] = []
        for strategy in strategies {
            let progress = DemoProgress(label: strategy.rawValue, total: self.tasks)
            let figures = try await DemoRun(strategy: strategy, plan: plan, settings: settings).run {
                progress.advance(by: $0)
            }
            progress.finish(
                "\(figures.completed) completed, \(figures.duplicateCharges) duplicate charges, "
                    + "\(figures.lost.count) lost, "
                    + "\(DemoTable.seconds(figures.wall))"
            )
            runs.append(figures)
        }
        let agentRetry = runs.first { $0.strategy == .agentRetry }
        let failed = agentRetry.map { $0.duplicateCharges > 0 || !$0.lost.isEmpty } ?? false
        let reconciled = runs.compactMap(\.reconcile)
        let reconcileVerdict = reconciled.isEmpty ? nil : reconciled.allSatisfy(\.verdict)
        if self.json {
            let object: JSONValue = [
                "tasks": .number(Double(self.tasks)), "concurrency": .number(Double(self.concurrency)),
                "seed": .string(String(self.seed)),
                "fault_rate": .number(self.faultRate), "kill_rate": .number(self.killRate),
                "protocol": .string(self.paymentProtocol), "merchant_profile": .string(self.merchantProfile),
                "runs": .array(runs.map(\.json)),
                "agentretry_exactly_once": agentRetry.map { .bool(!failed && $0.tasks > 0) } ?? .null,
                "reconcile_found_all_refunded_once": reconcileVerdict.map(JSONValue.bool) ?? .null,
            ]
            FileHandle.standardOutput.write(Data(object.serialized() + [UInt8(ascii: "\n")]))
        } else {
            Self.say("\n" + DemoTable.render(runs) + "\n")
            let notes = DemoTable.notes(runs)
            if !notes.isEmpty { Self.say(notes + "\n") }
            let reconcileNotes = DemoTable.reconcileNotes(runs)
            if !reconcileNotes.isEmpty { Self.say(reconcileNotes + "\n") }
            let baselines = runs.filter { $0.strategy != .agentRetry }
            if baselines.contains(where: { $0.duplicateCharges > 0 }) {
                Self.say(
                    "The baselines charged tasks twice, as expected: the same faults and kills, "
                        + "without keys that survive a crash."
                )
            } else if !baselines.isEmpty {
                Self.say(
                    "The baselines charged no task twice in this run: their duplicates need a kill "
                        + "between the merchant's commit and the agent's memory."
                )
            }
            if let agentRetry {
                Self.say(
                    failed
                        ? "FAILED: agentretry shows \(agentRetry.duplicateCharges) duplicate charges and "
                            + "\(agentRetry.lost.count) lost tasks \(agentRetry.lost.prefix(10))."
                        : "agentretry: every task charged at most once, none lost."
                )
            }
        }
        if failed || reconcileVerdict == false { throw ExitCode(1) }
    }

    /// The store the agentretry run shares, when not the default file (no password).
    private var storeDescription: String {
        guard let store = self.store else { return "" }
        if PostgresIdempotencyStore.Configuration.isConnectionString(store) {
            return ", agentretry's store on "
                + ((try? PostgresIdempotencyStore.Configuration(connectionString: store).location).map {
                    "PostgreSQL at \($0)"
                } ?? "PostgreSQL")
        }
        return ", agentretry's store in \(store)"
    }

    /// Writes a line to standard output at once (the progress goes to standard error between).
    private static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
