import AgentRetry
import Foundation
import Testing

/// `agent-retry demo`, small: the same figures as `make demo`, as JSON, from a real run with real
/// child processes, faults and SIGKILLs.
@Suite("agent-retry demo", .serialized)
struct DemoCommandTests {
    @Test("Three runs side by side; agentretry charges every task at most once and loses none", arguments: ["acp", "stripe"])
    func demo(_ paymentProtocol: String) async throws {
        let (status, json) = try await CLIChild.start([
            "demo", "--tasks", "24", "--concurrency", "6", "--seed", "7", "--kill-rate", "0.3", "--protocol", paymentProtocol, "--json",
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
            let ended = ["completed", "declined", "needs_input", "pending", "other_ended", "lost_tasks"].compactMap { run[$0]?.integerValue }
            #expect(ended.reduce(0, +) == 24, "every task is accounted for in \(run)")
        }
        #expect(runs.contains { ($0["kills"]?.integerValue ?? 0) > 0 })
    }

    @Test("--only runs one strategy; bad options are usage errors")
    func options() async throws {
        let (status, json) = try await CLIChild.start(["demo", "--tasks", "4", "--only", "agentretry", "--fault-rate", "0", "--kill-rate", "0", "--json"]).finish()
        #expect(status == 0)
        #expect(json["runs"]?.arrayValue?.count == 1)
        #expect(json["runs"]?.arrayValue?.first?["completed"]?.integerValue ?? 0 >= 3)
        #expect(json["runs"]?.arrayValue?.first?["faults_injected"] == 0)
        let (usage, _) = try await CLIChild.start(["demo", "--only", "everything"]).finish()
        #expect(usage == 2)
    }
}
