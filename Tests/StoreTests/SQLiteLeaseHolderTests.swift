import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

/// The SQLite store's leases and their holders' processes, with the process table scripted: what a
/// lease records, and when another process takes a live lease over or waits for it.
@Suite("SQLite: leases of holders that died")
struct SQLiteLeaseHolderTests {
    /// How the holder's process looks to the taker, and whether the taker takes the lease at once.
    enum Scenario: String, CaseIterable, Sendable {
        case running, killed, pidReused, unreadable, otherHost, rebooted, otherContainer

        var takesOver: Bool { [.killed, .pidReused, .rebooted].contains(self) }
    }

    @Test(
        "A holder provably dead is taken over at once; a live, foreign or unreadable one is waited for",
        arguments: Scenario.allCases
    )
    func takeover(_ scenario: Scenario) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("holder-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let machine = ScriptedMachine()
        let holderMachine: ScriptedMachine =
            switch scenario {
            case .otherHost: ScriptedMachine(host: "elsewhere")
            case .rebooted: ScriptedMachine(bootID: "boot-0")
            case .otherContainer: ScriptedMachine(pidNamespace: "pid:[4026532000]")
            default: machine
            }
        let holderProcess = holderMachine.spawn()
        let holder = try await StoreFixture.openSQLite(path, processes: holderProcess)
        let takerProcess = machine.spawn()
        let taker = try await StoreFixture.openSQLite(path, processes: takerProcess)
        let record = try await holder.insertAndLease(
            makeRecord(),
            owner: "holder",
            leaseExpiresAt: epoch + 600,
            now: epoch,
            adoptingFinished: true
        ).record
        #expect(record.leaseHolder == LeaseHolder(owner: "holder", process: holderProcess.identity))

        let id = holderProcess.identity.processID
        switch scenario {
        case .running, .rebooted: break
        case .killed, .otherHost, .otherContainer: holderMachine.kill(holderProcess)
        case .pidReused: machine.script(id, .running(startTime: holderProcess.identity.startTime + 1))
        case .unreadable: machine.script(id, .unknown)
        }
        let first = try await taker.insertAndLease(
            record,
            owner: "taker",
            leaseExpiresAt: epoch + 600,
            now: epoch + 1,
            adoptingFinished: true
        )
        let lease = try await taker.acquireLease(
            key: record.key,
            owner: "taker",
            expiresAt: epoch + 600,
            now: epoch + 1
        )
        #expect(first.leased == scenario.takesOver)
        #expect((lease != nil) == scenario.takesOver)
        let stored = try #require(try await taker.record(for: record.key))
        if scenario.takesOver {
            #expect(stored.leaseOwner == "taker" && stored.leaseHolder?.process == takerProcess.identity)
        } else {
            #expect(stored.leaseOwner == "holder" && stored.leaseHolder?.process == holderProcess.identity)
            // Waited for until it expires, as before.
            #expect(
                try await taker.acquireLease(key: record.key, owner: "taker", expiresAt: epoch + 700, now: epoch + 600)
                    != nil
            )
        }
    }

    @Test("A write renews the lease with its holder; finishing and releasing clear both")
    func holderFollowsTheLease() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("holder-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let process = ScriptedMachine().spawn()
        let store = try await StoreFixture.openSQLite(path, processes: process)
        var record = try await store.insertAndLease(
            makeRecord(),
            owner: "me",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        ).record
        record.state = .inFlight
        record.updatedAt = epoch + 1
        record.leaseExpiresAt = epoch + 60
        record.leaseHolder = LeaseHolder(owner: "someone else")
        try await store.update(record, owner: "me")
        let renewed = try #require(try await store.record(for: record.key))
        #expect(renewed.leaseHolder == LeaseHolder(owner: "me", process: process.identity))
        try await store.releaseLease(key: record.key, owner: "me")
        #expect(try await store.record(for: record.key)?.leaseHolder == nil)
        let again = try #require(
            try await store.acquireLease(key: record.key, owner: "me", expiresAt: epoch + 90, now: epoch + 2)
        )
        #expect(again.leaseHolder?.owner == "me")
        var finished = again
        finished.state = .succeeded
        finished.updatedAt = epoch + 3
        finished.outcome = .init(status: 200, headers: [:], body: [])
        try await store.finish(finished, owner: "me")
        let done = try #require(try await store.record(for: record.key))
        #expect(done.leaseOwner == nil && done.leaseHolder == nil)
    }
}
