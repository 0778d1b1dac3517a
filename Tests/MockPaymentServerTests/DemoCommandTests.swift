import AgentRetry
import AgentRetryTesting
import Foundation
import PostgresTestServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `agent-retry demo`, small: the same figures as `make demo`, as JSON, from a real run with real
/// child processes, faults and SIGKILLs.
@Suite("agent-retry demo", .serialized)
struct DemoCommandTests {
    @Test(
        "Three runs side by side; agentretry charges every task at most once and loses none",
        arguments: ["acp", "acp-mcp", "stripe"]
    )
    func demo(_ paymentProtocol: String) async throws {
        let (status, json) = try await CLIChild.start([
            "demo", "--tasks", "24", "--concurrency", "6", "--seed", "7", "--kill-rate", "0.3", "--protocol",
            paymentProtocol, "--json",
        ]).finish()
        #expect(status == 0, "\(json)")
        let runs = try #require(json["runs"]?.arrayValue)
        #expect(runs.compactMap { $0["run"]?.stringValue } == ["naive", "sdk-style", "agentretry"])
        let agentRetry = try #require(runs.last)
        #expect(agentRetry["duplicate_charges"] == 0)
        #expect(agentRetry["lost_tasks"] == 0)
        #expect(json["agentretry_exactly_once"] == true)
        for run in runs {
            #expect(run["tasks"] == 24)
            #expect((run["faults_injected"]?.integerValue ?? 0) > 0, "faults were injected in \(run)")
            let ended = ["completed", "declined", "needs_input", "pending", "other_ended", "lost_tasks"].compactMap {
                run[$0]?.integerValue
            }
            #expect(ended.reduce(0, +) == 24, "every task is accounted for in \(run)")
        }
        #expect(runs.allSatisfy { ($0["kills"]?.integerValue ?? 0) > 0 }, "kills land at steps of the children's work")
        #expect(runs.allSatisfy { ($0["kills"]?.integerValue ?? 0) <= ($0["kills_scheduled"]?.integerValue ?? 0) })
        try Self.checkReconcile(json, stripe: paymentProtocol == "stripe")
    }

    /// The reconcile step: for Stripe, every duplicate the ledger counts found and refunded once, no
    /// duplicate amount left; over ACP (orders, no listing) no step at all.
    static func checkReconcile(_ json: JSONValue, stripe: Bool) throws {
        let runs = try #require(json["runs"]?.arrayValue)
        guard stripe else {
            #expect(json["reconcile_found_all_refunded_once"] == .null)
            #expect(runs.allSatisfy { $0["reconcile"] == .null })
            return
        }
        #expect(json["reconcile_found_all_refunded_once"] == true)
        for run in runs {
            let reconcile = try #require(run["reconcile"])
            #expect(reconcile["duplicates_found"] == run["duplicate_charges"], "\(run)")
            #expect(reconcile["ledger_duplicates"] == run["duplicate_charges"], "\(run)")
            #expect(reconcile["refunded"] == reconcile["duplicates_found"], "\(run)")
            #expect(reconcile["duplicate_amount_after"] == 0, "\(run)")
            #expect(reconcile["error"] == .null)
        }
        let baselines = runs.dropLast()
        #expect(baselines.contains { ($0["reconcile"]?["duplicates_found"]?.integerValue ?? 0) > 0 })
        #expect(
            baselines.allSatisfy {
                $0["reconcile"]?["duplicate_amount_before"]?.integerValue ?? 0 > 0
                    || $0["duplicate_charges"] == 0
            }
        )
    }

    @Test(
        "With --store postgres://, agentretry's agents share one PostgreSQL database; run twice, each is exactly-once"
    )
    func demoOnPostgres() async throws {
        let store = try await PostgresTestServer.shared().makeDatabaseURL()
        // The second demo on the same database works on its own intents (a namespace per demo).
        for seed in ["5", "6"] {
            let (status, json) = try await CLIChild.start([
                "demo", "--tasks", "16", "--concurrency", "6", "--seed", seed, "--kill-rate", "0.3", "--only",
                "agentretry", "--store", store, "--json",
            ]).finish()
            #expect(status == 0, "\(json)")
            let run = try #require(json["runs"]?.arrayValue?.first)
            #expect(run["duplicate_charges"] == 0 && run["lost_tasks"] == 0)
            #expect((run["completed"]?.integerValue ?? 0) + (run["declined"]?.integerValue ?? 0) == 16)
            #expect((run["kills"]?.integerValue ?? 0) > 0)
            #expect(json["agentretry_exactly_once"] == true)
        }
    }

    @Test("SIGTERM mid-run: exit 130, no child left running, the scratch directory removed")
    func interrupted() async throws {
        let demo = try CLIChild.start(["demo", "--tasks", "400", "--only", "agentretry", "--json"])
        // Wait until children run (their command lines name the demo's scratch directory).
        let deadline = ContinuousClock.now + .seconds(20)
        let parent = demo.process.processIdentifier
        while Self.demoChildren(of: parent).isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let directories = Set(Self.demoChildren(of: parent).compactMap(\.directory))
        #expect(!directories.isEmpty, "children were running")
        kill(demo.process.processIdentifier, SIGTERM)
        while demo.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(demo.process.terminationStatus == 130)
        try await Task.sleep(for: .milliseconds(300))
        #expect(
            Self.demoChildren(of: nil).filter { $0.directory.map(directories.contains) ?? false }.isEmpty,
            "no child outlives the demo"
        )
        for directory in directories { #expect(!FileManager.default.fileExists(atPath: directory)) }
    }

    /// Running `agent-retry demo-worker` children of a demo (of the demo `parent`, if given), with the
    /// demo's scratch directory.
    static func demoChildren(of parent: Int32?) -> [(pid: String, directory: String?)] {
        let pids =
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) } ?? []
        return pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            if let parent {
                // /proc/PID/stat: "pid (name) state ppid ..."; the name may hold spaces, so read after ")".
                let stat = String(
                    decoding: FileManager.default.contents(atPath: "/proc/\(pid)/stat") ?? Data(),
                    as: UTF8.self
                )
                let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
                guard fields.count > 1, Int32(fields[1]) == parent else { return nil }
            }
            let arguments = String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
            guard arguments.contains("demo-worker"),
                let store = arguments.firstIndex(of: "--store").map({ arguments[$0 + 1] }),
                let range = store.range(of: "agent-retry-demo-")
            else { return nil }
            let directory = String(store[..<range.lowerBound]) + store[range.lowerBound...].prefix(while: { $0 != "/" })
            return (pid, directory)
        }
    }

    @Test("--only runs one strategy; bad options are usage errors")
    func options() async throws {
        let (status, json) = try await CLIChild.start([
            "demo", "--tasks", "4", "--only", "agentretry", "--fault-rate", "0", "--kill-rate", "0", "--json",
        ]).finish()
        #expect(status == 0)
        #expect(json["runs"]?.arrayValue?.count == 1)
        #expect(json["runs"]?.arrayValue?.first?["completed"]?.integerValue ?? 0 >= 3)
        #expect(json["runs"]?.arrayValue?.first?["faults_injected"] == 0)
        let (usage, _) = try await CLIChild.start(["demo", "--only", "everything"]).finish()
        #expect(usage == 2)
    }
}
