import AgentRetry
import Foundation
import Testing

/// Records: creation races, identities, round-trips, bad rows and schemas. Every test runs
/// unchanged against each store kind.
@Suite("Store conformance: records", .serialized)
struct StoreRecordConformanceTests {
    @Test("An outcome with a large binary body, headers and an anchor round-trips exactly, also through another connection", arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let body: [UInt8] = largeBody()
            var record = makeRecord(state: .succeeded, outcome: .init(status: 201,
                headers: ["Idempotent-Replayed": "true", "Content-Type": "application/json; charset=utf-8", "Request-Id": "req_ü✓"], body: body))
            record.anchor = "cs_0123456789"
            record.attempts = 3
            #expect(try await fixture.store.insertIfAbsent(record) == record)
            #expect(try await fixture.store.record(for: record.key) == record)
            #expect(try await fixture.openAnother().record(for: record.key) == record)

            // No outcome, an empty body and no anchor stay distinct from each other.
            let bare = makeRecord()
            var empty = makeRecord(state: .failed, outcome: .init(status: 402, headers: [:], body: []))
            empty.attempts = 1
            #expect(try await fixture.store.insertIfAbsent(bare) == bare)
            #expect(try await fixture.store.insertIfAbsent(empty) == empty)
            #expect(try await fixture.store.record(for: bare.key)?.outcome == nil)
            #expect(try await fixture.store.record(for: empty.key)?.outcome?.body == [])
            #expect(try await fixture.store.record(for: IdempotencyKey(rawValue: "never-written")) == nil)
        }
    }

    @Test("Forty concurrent inserts of one key from two connections: one record, every caller gets it", arguments: StoreKind.allCases)
    func insertRace(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let stores = [fixture.store, try await fixture.openAnother()]
            let key = "race-\(UUID().uuidString)"
            let results = try await concurrently(40) { index in
                var record = makeRecord(key: key, identity: "race")
                record.attempts = index
                return try await stores[index % 2].insertIfAbsent(record)
            }
            let winner = try #require(try await fixture.store.record(for: IdempotencyKey(rawValue: key)))
            #expect(results.allSatisfy { $0 == winner })
            #expect(try await fixture.sql("SELECT CAST(count(*) AS TEXT) FROM \(fixture.recordTable)") == ["1"])
        }
    }

    @Test("Forty concurrent first writes of one intent from two connections: exactly one takes the lease", arguments: StoreKind.allCases)
    func insertAndLeaseRace(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let stores = [fixture.store, try await fixture.openAnother()]
            let record = makeRecord()
            let results = try await concurrently(40) { index in
                try await stores[index % 2].insertAndLease(record, owner: "owner-\(index)", leaseExpiresAt: epoch + 30, now: epoch,
                    adoptingFinished: true)
            }
            #expect(results.filter(\.leased).count == 1)
            #expect(Set(results.map(\.record.key)) == [record.key])
            let stored = try #require(try await fixture.store.record(for: record.key))
            #expect(stored.leaseOwner == results.first(where: \.leased)?.record.leaseOwner)
        }
    }

    @Test("Concurrent first writes of one intent under different keys (different secrets) create one record", arguments: StoreKind.allCases)
    func identityRace(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let stores = [fixture.store, try await fixture.openAnother()]
            let identity = "identity-\(UUID().uuidString)"
            let results = try await concurrently(24) { index in
                try await stores[index % 2].insertAndLease(makeRecord(key: "secret-\(index)", identity: identity), owner: "owner-\(index)",
                    leaseExpiresAt: epoch + 30, now: epoch, adoptingFinished: true)
            }
            #expect(Set(results.map(\.record.key)).count == 1)
            #expect(results.filter(\.leased).count == 1)
            #expect(try await fixture.sql("SELECT CAST(count(*) AS TEXT) FROM \(fixture.recordTable) WHERE intent_fingerprint = '\(identity)'") == ["1"])
            #expect(try await fixture.store.latestRecord(intentFingerprint: identity)?.key == results[0].record.key)
        }
    }

    @Test("An intent's record is found under another key: unfinished ones always, finished ones only when adopting", arguments: StoreKind.allCases)
    func identityLookup(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let store = fixture.store
            // Unfinished under key A: a first write under key B resumes A, with the lease.
            let pending = makeRecord(key: "a-\(UUID().uuidString)", state: .pending)
            _ = try await store.insertIfAbsent(pending)
            let resumed = try await store.insertAndLease(makeRecord(identity: pending.intentFingerprint), owner: "me",
                leaseExpiresAt: epoch + 30, now: epoch, adoptingFinished: false)
            #expect(resumed.record.key == pending.key && resumed.leased)

            // Finished under key A: adopted (unleased, nothing inserted) only when asked, and only
            // while the derived key has no record of its own.
            let done = makeRecord(key: "done-\(UUID().uuidString)", state: .succeeded, outcome: .init(status: 200, headers: [:], body: Array("{}".utf8)))
            _ = try await store.insertIfAbsent(done)
            let derived = makeRecord(identity: done.intentFingerprint)
            let adopted = try await store.insertAndLease(derived, owner: "me", leaseExpiresAt: epoch + 30, now: epoch, adoptingFinished: true)
            #expect(adopted.record == done && !adopted.leased)
            #expect(try await store.record(for: derived.key) == nil)
            let fresh = try await store.insertAndLease(derived, owner: "me", leaseExpiresAt: epoch + 30, now: epoch, adoptingFinished: false)
            #expect(fresh.record.key == derived.key && fresh.leased)
            let own = try await store.insertAndLease(derived, owner: "me", leaseExpiresAt: epoch + 30, now: epoch, adoptingFinished: true)
            #expect(own.record.key == derived.key)

            // Both a finished and an unfinished record under other keys: the finished outcome is kept.
            let both = "both-\(UUID().uuidString)"
            let ended = makeRecord(key: "ended-\(UUID().uuidString)", identity: both, state: .succeeded, createdAt: epoch,
                outcome: .init(status: 200, headers: [:], body: []))
            _ = try await store.insertIfAbsent(ended)
            _ = try await store.insertIfAbsent(makeRecord(key: "open-\(UUID().uuidString)", identity: both, state: .pending, createdAt: epoch + 1))
            let kept = try await store.insertAndLease(makeRecord(identity: both), owner: "me", leaseExpiresAt: epoch + 30, now: epoch,
                adoptingFinished: true)
            #expect(kept.record == ended && !kept.leased)

            // The newest record of an identity, whatever its key.
            let older = makeRecord(key: "old-\(UUID().uuidString)", identity: "timeline", createdAt: epoch)
            let newer = makeRecord(key: "new-\(UUID().uuidString)", identity: "timeline", createdAt: epoch + 60)
            _ = try await store.insertIfAbsent(newer)
            _ = try await store.insertIfAbsent(older)
            #expect(try await store.latestRecord(intentFingerprint: "timeline") == newer)
            #expect(try await store.latestRecord(intentFingerprint: "nobody") == nil)
        }
    }

    @Test("A setting is created once: sixteen concurrent askers on two connections all get the first value", arguments: StoreKind.allCases)
    func settingRace(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let stores = [fixture.store, try await fixture.openAnother()]
            let values = try await concurrently(16) { index in
                try await stores[index % 2].setting(named: "namespace_secret") { (0..<32).map { _ in UInt8.random(in: 0...255) } + [UInt8(index)] }
            }
            #expect(Set(values).count == 1)
            #expect(values[0].count == 33)
            #expect(try await fixture.openAnother().setting(named: "namespace_secret") { [] } == values[0])
        }
    }

    @Test("A corrupt row is a typed error naming its key; the row stays as it was and other rows still read", arguments: [
        ("state", "'exploded'"), ("outcome_headers", "'not json'"),
    ], StoreKind.allCases)
    func corruptRow(corruption: (column: String, value: String), kind: StoreKind) async throws {
        let (column, value) = corruption
        try await kind.withFixture { fixture async throws in
            let broken = makeRecord(state: .succeeded, outcome: .init(status: 200, headers: ["Content-Type": "application/json"], body: [1, 2]))
            let healthy = makeRecord()
            _ = try await fixture.store.insertIfAbsent(broken)
            _ = try await fixture.store.insertIfAbsent(healthy)
            try await fixture.sql("UPDATE \(fixture.recordTable) SET \(column) = \(value) WHERE key = '\(broken.key.rawValue)'")
            let before = try await fixture.sql("SELECT CAST(\(column) AS TEXT) FROM \(fixture.recordTable) WHERE key = '\(broken.key.rawValue)'")

            let read = await storeError { _ = try await fixture.store.record(for: broken.key) }
            #expect(read?.code == .corruptRecord)
            #expect(read?.message.contains(broken.key.rawValue) == true)
            let firstWrite = await storeError {
                _ = try await fixture.store.insertAndLease(broken, owner: "me", leaseExpiresAt: epoch + 30, now: epoch, adoptingFinished: true)
            }
            #expect(firstWrite?.code == .corruptRecord)
            // Removing expired records works beside it (and this one is not expired).
            #expect(try await fixture.store.removeFinishedRecords(expiredBefore: epoch, now: epoch) == 0)
            #expect(try await fixture.sql("SELECT CAST(\(column) AS TEXT) FROM \(fixture.recordTable) WHERE key = '\(broken.key.rawValue)'") == before)
            #expect(try await fixture.store.record(for: healthy.key) == healthy)
        }
    }

    @Test("A row in a newer record format is refused with a typed error and never leased, rewritten or removed", arguments: StoreKind.allCases)
    func newerRowFormat(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let future = makeRecord(state: .failed, outcome: .init(status: 402, headers: [:], body: []))
            _ = try await fixture.store.insertIfAbsent(future)
            try await fixture.sql("UPDATE \(fixture.recordTable) SET format = 2, psp_expires_at = 0 WHERE key = '\(future.key.rawValue)'")

            #expect(await storeError { _ = try await fixture.store.record(for: future.key) }?.code == .unsupportedSchema)
            let firstWrite = await storeError {
                _ = try await fixture.store.insertAndLease(future, owner: "me", leaseExpiresAt: epoch + 30, now: epoch, adoptingFinished: true)
            }
            #expect(firstWrite?.code == .unsupportedSchema)
            #expect(try await fixture.store.acquireLease(key: future.key, owner: "me", expiresAt: epoch + 30, now: epoch) == nil)
            #expect(await storeError { try await fixture.store.finish(future, owner: "me") }?.code == .leaseLost)
            #expect(try await fixture.store.removeFinishedRecords(expiredBefore: .distantFuture, now: epoch) == 0)
            let raw = try await fixture.sql("SELECT CAST(format AS TEXT) || ' ' || coalesce(lease_owner, '-') FROM \(fixture.recordTable)")
            #expect(raw == ["2 -"])
        }
    }

    @Test("A store whose schema a newer AgentRetry migrated is refused on opening, with a typed error", arguments: StoreKind.allCases)
    func newerSchema(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let record = makeRecord()
            _ = try await fixture.store.insertIfAbsent(record)
            try await fixture.markSchemaFromTheFuture()
            let error = await storeError { _ = try await fixture.openAnother() }
            #expect(error?.code == .unsupportedSchema)
            #expect(try await fixture.store.record(for: record.key) == record)
        }
    }

    @Test("Eight connections opening a new store at once all succeed and share its records", arguments: StoreKind.allCases)
    func concurrentOpening(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let stores = try await concurrently(8) { _ in try await fixture.openAnother() }
            let record = makeRecord()
            _ = try await stores[0].insertIfAbsent(record)
            for store in stores { #expect(try await store.record(for: record.key) == record) }
        }
    }
}
