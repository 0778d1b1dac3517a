import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Synchronization

/// One run of the demo: the whole task list under one key strategy, against a fresh mock server,
/// with the plan's faults and kills; the figures come from the server's journal and ledger.
struct DemoRun: Sendable {
    /// How a run's agents choose their keys: the only thing that differs between runs.
    enum Strategy: String, CaseIterable, Sendable {
        /// A new random key on every attempt: an agent with its own retry loop.
        case naive
        /// One random key per call, reused by in-memory retries, lost with the process: official SDKs.
        case sdkStyle = "sdk-style"
        /// AgentRetry: deterministic keys persisted before sending, anchored on the session.
        case agentRetry = "agentretry"
    }

    /// How one task ended.
    struct TaskResult: Sendable {
        let id: String
        let status: String
        let reason: String?
        let invocations: Int
        let kills: Int
        /// Kills the schedule had for the invocations that ran (a step never reached is no kill).
        let killsScheduled: Int
        /// Each invocation's exit: a status, or `killed`.
        let history: [String]
        let elapsed: Duration
    }

    /// The settings every child gets.
    struct Settings: Sendable {
        let protocolName: String
        /// How the mock ACP merchant behaves.
        let merchantProfile: MerchantProfile
        let concurrency: Int
        let maximumResubmissions: Int
        let directory: URL
        /// The agentretry run's shared store, when given (a PostgreSQL connection string, say).
        let store: String?
        /// The namespace of this demo's intents: new per demo, so a store kept between demos
        /// (a PostgreSQL database) never answers one demo's tasks with another's outcomes.
        let namespace: String
    }

    let strategy: Strategy
    let plan: DemoPlan
    let settings: Settings

    /// Runs every task, at most `concurrency` at a time; `progress` is told of each finished task.
    func run(progress: @escaping @Sendable (Int) -> Void) async throws -> DemoFigures {
        var configuration = MockPaymentServer.Configuration(seed: self.plan.seed, faults: self.plan.faults)
        configuration.port = 0
        configuration.merchantProfile = self.settings.merchantProfile
        let server = try await MockPaymentServer.start(configuration)
        let directory = self.settings.directory.appendingPathComponent(self.strategy.rawValue)
        let carts: [String]
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            carts = try self.writeCarts(in: directory)
        } catch {
            try? await server.shutdown()
            throw error
        }
        let next = TaskCounter()
        let clock = ContinuousClock()
        let started = clock.now
        let results = await withTaskGroup(of: [TaskResult].self) { group in
            for _ in 0..<self.settings.concurrency {
                group.addTask {
                    var done: [TaskResult] = []
                    while true {
                        let index = next.take()
                        guard index < self.plan.tasks.count else { return done }
                        done.append(
                            await self.runTask(
                                self.plan.tasks[index],
                                cart: carts[index],
                                server: server,
                                directory: directory
                            )
                        )
                        progress(1)
                    }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        let wall = clock.now - started
        var figures = DemoFigures(
            strategy: self.strategy,
            results: results,
            journal: server.journal,
            ledger: server.ledger,
            wall: wall
        )
        // The last step: reconcile the PSP's charges (Stripe only; ACP has no listing of orders).
        if self.settings.protocolName == "stripe" {
            figures.reconcile = await DemoReconcile(server: server, directory: directory).run()
        }
        try? await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
        return figures
    }

    private func writeCarts(in directory: URL) throws -> [String] {
        try self.plan.tasks.map { task in
            let path = directory.appendingPathComponent("\(task.id).cart.json").path
            try Data(task.cart.acpJSON.serialized()).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    /// One task, as an orchestrator runs it: invoke, SIGKILL when the schedule says so, re-invoke
    /// after a kill or a non-terminal exit, up to the resubmission limit.
    private func runTask(
        _ task: DemoPlan.DemoTask,
        cart: String,
        server: MockPaymentServer,
        directory: URL
    ) async -> TaskResult {
        let clock = ContinuousClock()
        let started = clock.now
        var kills = 0
        var last: DemoChild.Exit?
        var invocations = 0
        var history: [String] = []
        for invocation in 0...self.settings.maximumResubmissions {
            invocations += 1
            // AgentRetry's agents share one store; the baselines' memory dies with each process.
            let store =
                self.strategy == .agentRetry
                ? self.settings.store ?? directory.appendingPathComponent("agentretry.sqlite").path
                : directory.appendingPathComponent("\(task.id)-\(invocation).sqlite").path
            var arguments = [
                "--server", self.settings.protocolName == "acp-mcp" ? server.baseURL + "/mcp" : server.baseURL,
                "--api-key", "sk_test_demo", "--store", store, "--namespace",
                self.settings.namespace, "--task-id", task.id,
                "--cart", cart, "--protocol", self.settings.protocolName, "--payment-token", task.token,
                "--request-timeout", "0.5", "--initial-backoff", "0.05", "--max-attempts", "4", "--deadline", "10",
                "--lease-seconds", "2", "--settle-seconds", "5",
            ]
            var worker = ["demo-worker"] + (task.killAt[invocation].map { ["--pause-at", $0] } ?? [])
            if self.strategy == .naive { worker.append("--new-key-every-attempt") }
            arguments = worker + ["--"] + arguments
            do {
                let exit = try await DemoChild.run(arguments, killAt: task.killAt[invocation])
                last = exit
                if exit.killed {
                    history.append("killed at \(task.killAt[invocation] ?? "?")")
                } else if let json = exit.json {
                    history.append(
                        (json["status"]?.stringValue ?? "?")
                            + ((json["reason"] ?? json["message"])?.stringValue.map { ": \($0)" } ?? "")
                    )
                } else {
                    history.append("exit \(exit.status): \(exit.lastError ?? "no output")")
                }
                if exit.killed {
                    kills += 1
                    continue
                }
            } catch {
                // Interrupted: the signal handler kills the children and ends the process; the
                // run must not finish (and report) before it does.
                while DemoChild.isStopping { try? await Task.sleep(for: .seconds(1)) }
                last = nil
                history.append("not started")
                continue
            }
            // 0 completed, 10 declined/canceled/expired, 11 needs input, 30 conflict, 40 needs
            // reconciliation end the task; pending (20), elsewhere (50) and errors (1) are resubmitted.
            if let status = last?.status, [0, 10, 11, 30, 40].contains(status) { break }
        }
        let status: String
        if let last {
            status = last.killed ? "killed" : last.json?["status"]?.stringValue ?? "error"
        } else {
            status = "not started"
        }
        return TaskResult(
            id: task.id,
            status: status,
            reason: last?.json?["reason"]?.stringValue ?? last?.json?["message"]?.stringValue,
            invocations: invocations,
            kills: kills,
            killsScheduled: task.killAt.prefix(invocations).compactMap { $0 }.count,
            history: history,
            elapsed: clock.now - started
        )
    }
}

/// Hands out task indexes to the run's workers, each once.
final class TaskCounter: Sendable {
    private let next = Mutex(0)

    func take() -> Int {
        self.next.withLock { value -> Int in
            defer { value += 1 }
            return value
        }
    }
}
