import AgentRetry
import AgentRetryPostgres
import AgentRetryTesting
import Foundation
import MockPaymentServer
import PostgresTestServer
import Testing

/// `agent-retry gc` as a real child process on a store that `agent-retry post` wrote to.
@Suite("agent-retry gc removes only old finished records", .serialized)
struct GCCLITests {
    private static let day: TimeInterval = 86_400

    /// A new store of `kind` and the test's own connection to it.
    private static func newStore(_ kind: String) async throws -> (String, any IdempotencyStore) {
        guard kind == "postgres" else {
            let path = CLIChild.storePath()
            return (path, try SQLiteIdempotencyStore(path: path))
        }
        let url = try await PostgresTestServer.shared().makeDatabaseURL()
        let store = try await PostgresIdempotencyStore.connect(
            try PostgresIdempotencyStore.Configuration(connectionString: url)
        )
        return (url, store)
    }

    private static func post(_ server: MockPaymentServer, store: String, task: String) async throws -> String {
        let (status, _, json) = try await CLIChild.run([
            "post", server.baseURL + "/v1/payment_intents", "--store", store, "--task-id", task,
            "--header", "Authorization: Bearer \(testKey)", "--form", "amount=1200", "--form", "currency=usd",
            "--form", "payment_method=pm_card_visa", "--form", "confirm=true", "--form", "metadata[task_id]=\(task)",
        ])
        #expect(status == 0, "\(json)")
        return try #require(json["idempotency_key"]?.stringValue)
    }

    /// `record` as if written `age` seconds ago under a new key, in `state`.
    private static func aged(
        _ record: IdempotencyRecord,
        by age: TimeInterval,
        state: IdempotencyRecord.State
    )
        -> IdempotencyRecord
    {
        var copy = record
        copy.key = IdempotencyKey(rawValue: "aged-\(UUID().uuidString)")
        copy.intentFingerprint = "aged-\(UUID().uuidString)"
        copy.state = state
        copy.createdAt -= age
        copy.updatedAt -= age
        copy.clientExpiresAt -= age
        copy.pspExpiresAt -= age
        copy.leaseOwner = nil
        copy.leaseExpiresAt = nil
        copy.leaseHolder = nil
        return copy
    }

    @Test(
        "gc --older-than 30d removes the old finished records, keeps the rest; a second gc removes 0",
        arguments: ["sqlite", "postgres"]
    )
    func removesOldFinished(_ kind: String) async throws {
        try await withMockServer { server, _ in
            let (path, store) = try await Self.newStore(kind)
            let recentKeys = [
                try await Self.post(server, store: path, task: "gc-1"),
                try await Self.post(server, store: path, task: "gc-2"),
            ]
            let posted = try #require(try await store.record(for: IdempotencyKey(rawValue: recentKeys[0])))
            #expect(posted.state == .succeeded)
            // Written 40 days ago: the PSP's 24 h ended 39 days ago, past the 30 days.
            let old = 40 * Self.day
            let gone = [
                Self.aged(posted, by: old, state: .succeeded), Self.aged(posted, by: old, state: .failed),
                Self.aged(posted, by: old, state: .conflict),
            ]
            var kept = IdempotencyRecord.State.unfinished.map { Self.aged(posted, by: old, state: $0) }
            // Finished, but its retention ended only 9 days ago; and one a live lease holds.
            kept.append(Self.aged(posted, by: 10 * Self.day, state: .succeeded))
            var leased = Self.aged(posted, by: old, state: .succeeded)
            leased.leaseOwner = "reader"
            leased.leaseExpiresAt = Date() + 3600
            kept.append(leased)
            for record in gone + kept { _ = try await store.insertIfAbsent(record) }

            let first = try await CLIChild.run(["gc", "--store", path, "--older-than", "30d"])
            #expect(first.status == 0, "\(first.stdout)")
            #expect(CLIChild.isOneJSONObject(first.stdout), "\(first.stdout)")
            #expect(first.json == ["status": "ok", "removed": 3])
            for record in gone { #expect(try await store.record(for: record.key) == nil) }
            for record in kept { #expect(try await store.record(for: record.key)?.state == record.state) }
            for key in recentKeys { #expect(try await store.record(for: IdempotencyKey(rawValue: key)) != nil) }

            let second = try await CLIChild.run(["gc", "--store", path, "--older-than", "720h"])
            #expect(second.status == 0, "\(second.stdout)")
            #expect(second.json == ["status": "ok", "removed": 0])
            // A re-run of a kept task is still answered from the store, with no new charge.
            _ = try await Self.post(server, store: path, task: "gc-1")
            #expect(server.ledger.count == 2)
            await (store as? PostgresIdempotencyStore)?.close()
        }
    }

    @Test("A backlog larger than one batch goes entirely, and nothing unfinished with it")
    func removesAcrossBatches() async throws {
        let path = CLIChild.storePath()
        let store = try SQLiteIdempotencyStore(path: path)
        let old = Date() - 40 * Self.day
        let outcome = IdempotencyRecord.Outcome(status: 200, headers: [:], body: Array("{}".utf8))
        for _ in 0..<2_050 {
            _ = try await store.insertIfAbsent(makeRecord(state: .succeeded, createdAt: old, outcome: outcome))
        }
        let pending = makeRecord(state: .pending, createdAt: old)
        _ = try await store.insertIfAbsent(pending)
        let run = try await CLIChild.run(["gc", "--store", path, "--older-than", "3600s"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.json == ["status": "ok", "removed": 2_050])
        #expect(try await store.record(for: pending.key)?.state == .pending)
    }

    @Test(
        "A bad --older-than is a usage error with one JSON object, exit 2",
        arguments: ["59m", "3599s", "0d", "30", "d", "-1d", "30w", "1.5d", "99999999999999d", "３０d"]
    )
    func badAge(_ age: String) async throws {
        let path = CLIChild.storePath()
        let run = try await CLIChild.run(["gc", "--store", path, "--older-than", age])
        #expect(run.status == 2, "\(run.stdout)")
        #expect(CLIChild.isOneJSONObject(run.stdout), "\(run.stdout)")
        #expect(run.json["status"] == "usage")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("gc on a SQLite path with no file is a usage error and creates none")
    func missingStoreFile() async throws {
        let path = CLIChild.storePath()
        let run = try await CLIChild.run(["gc", "--store", path, "--older-than", "30d"])
        #expect(run.status == 2, "\(run.stdout)")
        #expect(CLIChild.isOneJSONObject(run.stdout), "\(run.stdout)")
        #expect(run.json["status"] == "usage")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("gc without --store or --older-than is a usage error")
    func missingOptions() async throws {
        for arguments in [["gc", "--older-than", "30d"], ["gc", "--store", CLIChild.storePath()]] {
            let run = try await CLIChild.run(arguments)
            #expect(run.status == 2, "\(run.stdout)")
            #expect(CLIChild.isOneJSONObject(run.stdout), "\(run.stdout)")
            #expect(run.json["status"] == "usage")
        }
    }
}
