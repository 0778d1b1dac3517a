// An orchestration layer that embeds AgentRetry: 100 agent tasks at once in a task group, on one
// shared client and store, each resubmitted when it ends without a definitive outcome.
//
//   swift run orchestrator                          # against a faulty mock merchant in-process
//   swift run orchestrator http://127.0.0.1:4242    # against a merchant
//   swift run orchestrator URL --store postgres://agents@db:5432/payments --tasks 50 --task-prefix batch-7
//                                                   # one of several orchestrators on many machines,
//                                                   # sharing the tasks through PostgreSQL
//
// With the in-process mock, 30% of requests meet a fault (most of them timeout-but-success); the
// ledger then shows that no task was charged twice.

import AgentRetry
import AgentRetryACP
import AgentRetryPostgres
import Foundation
import MockPaymentServer

@main
struct Orchestrator {
    static let maximumSubmissions = 4

    static func main() async throws {
        // Arguments: [MERCHANT_URL] [--store FILE|postgres://...] [--tasks N] [--task-prefix PREFIX]
        //            [--lease-seconds S] [--concurrency N]
        var positional: [String] = []
        var options: [String: String] = [:]
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            if argument.hasPrefix("--") {
                options[String(argument.dropFirst(2))] = arguments.popFirst()
            } else {
                positional.append(argument)
            }
        }
        let taskCount = options["tasks"].flatMap(Int.init) ?? 100
        let taskPrefix = options["task-prefix"] ?? "orchestrated"
        // How many tasks run at once (default: all of them).
        let concurrency = max(1, options["concurrency"].flatMap(Int.init) ?? taskCount)
        // How long a crashed orchestrator's tasks stay locked before another one takes them over.
        let leaseDuration = Duration.seconds(options["lease-seconds"].flatMap(Int.init) ?? 60)

        var mock: MockPaymentServer?
        let merchantURL: String
        if let url = positional.first {
            merchantURL = url
        } else {
            let faults = [
                FaultRule(action: .dropAfterCommit, probability: 0.2),
                FaultRule(action: .statusBefore(status: 503, retryAfter: nil), probability: 0.1),
            ]
            mock = try await MockPaymentServer.start(.init(seed: 1, faults: faults))
            merchantURL = mock!.baseURL
        }

        // One store and one client for every task: the client is Sendable and meant to be shared.
        // Orchestrators on several machines share one PostgreSQL store; on one machine a SQLite
        // file is enough.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orchestrator-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let location = options["store"] ?? directory.appendingPathComponent("store.sqlite").path
        let store: any IdempotencyStore =
            PostgresIdempotencyStore.Configuration.isConnectionString(location)
            ? try await PostgresIdempotencyStore.connect(try .init(connectionString: location))
            : try SQLiteIdempotencyStore(path: location)
        let policy = try RetryPolicy(maximumAttempts: 5, initialBackoff: .milliseconds(50))
        let transport = HTTPTransport()
        // The namespace secret: AGENT_RETRY_SECRET when set, else the one the store keeps for everyone.
        let secret: IdempotencyKeyDeriver.Secret
        if let text = ProcessInfo.processInfo.environment["AGENT_RETRY_SECRET"], !text.isEmpty {
            secret = try IdempotencyKeyDeriver.Secret(bytes: Array(text.utf8))
        } else {
            secret = try await IdempotentClient.storedSecret(in: store)
        }
        let client = IdempotentClient(
            transport: transport,
            store: store,
            secret: secret,
            configuration: .init(policy: policy, leaseDuration: leaseDuration)
        )
        let checkout = CheckoutTask(
            client: client,
            merchant: .acp(.init(baseURL: merchantURL, apiKey: "sk_test_orchestrator"))
        )
        var ebook = CheckoutCart(currency: "usd", lines: [.init(id: "item_ebook")])
        ebook.members["buyer"] = ["email": "ada@example.com"]
        let cart = ebook

        // The task group: every agent task runs concurrently; a task that ends pending, or whose
        // run threw (a lease held elsewhere, the store), is submitted again, up to a limit.
        let outcomes = await withTaskGroup(of: (String, String).self) { group in
            /// One agent task, resubmitted until it ends with a definitive outcome.
            @Sendable func runTask(_ taskID: String) async -> (String, String) {
                var last = "not run"
                for submission in 1...maximumSubmissions {
                    do throws(CheckoutTaskError) {
                        let outcome = try await checkout.run(
                            taskID: taskID,
                            cart: cart,
                            paymentToken: "spt_test_success"
                        )
                        last = outcome.status.rawValue
                        if outcome.status != .pending { break }
                    } catch {
                        last = "error: \(error.code)"
                    }
                    try? await Task.sleep(for: .milliseconds(100 * submission))
                }
                return (taskID, last)
            }
            // At most `concurrency` tasks at once: a new one starts as one ends.
            var statuses: [String: String] = [:]
            var next = 1
            while next <= min(concurrency, taskCount) {
                let taskID = "\(taskPrefix)-\(next)"
                group.addTask { await runTask(taskID) }
                next += 1
            }
            for await (taskID, status) in group {
                statuses[taskID] = status
                if next <= taskCount {
                    let taskID = "\(taskPrefix)-\(next)"
                    group.addTask { await runTask(taskID) }
                    next += 1
                }
            }
            return statuses
        }

        var tally: [String: Int] = [:]
        for status in outcomes.values { tally[status, default: 0] += 1 }
        print(
            "\(taskCount) tasks:",
            tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
        if let mock {
            let orders = mock.ledger.filter { $0.kind == "order" }.count
            print(
                "ledger: \(orders) orders, \(mock.duplicateCharges.count) tasks charged more than once; "
                    + "\(mock.journal.filter { $0.fault != nil }.count) faults injected"
            )
        }
        await transport.shutdown()
        await (store as? PostgresIdempotencyStore)?.close()
        try await mock?.shutdown()
        try? FileManager.default.removeItem(at: directory)
        exit(tally["completed"] == taskCount && (mock?.duplicateCharges.isEmpty ?? true) ? 0 : 1)
    }
}
