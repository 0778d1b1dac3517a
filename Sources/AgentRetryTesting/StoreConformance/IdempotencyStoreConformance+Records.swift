import AgentRetry
import Foundation
import Testing

/// Records: round-trips, creation races, identities, settings and opening.
extension IdempotencyStoreConformance.Check {
    typealias Subject = IdempotencyStoreConformance.Subject

    static func checkRoundTrip(_ subject: Subject) async throws {
        let body: [UInt8] = largeBody()
        let headers = [
            "Idempotent-Replayed": "true", "Content-Type": "application/json; charset=utf-8", "Request-Id": "req_ü✓",
        ]
        var record = makeRecord(state: .succeeded, outcome: .init(status: 201, headers: headers, body: body))
        record.anchor = "cs_0123456789"
        record.attempts = 3
        #expect(try await subject.store.insertIfAbsent(record) == record)
        #expect(try await subject.store.record(for: record.key) == record)
        #expect(try await subject.openAnother().record(for: record.key) == record)

        // No outcome, an empty body and no anchor stay distinct from each other.
        let bare = makeRecord()
        var empty = makeRecord(state: .failed, outcome: .init(status: 402, headers: [:], body: []))
        empty.attempts = 1
        #expect(try await subject.store.insertIfAbsent(bare) == bare)
        #expect(try await subject.store.insertIfAbsent(empty) == empty)
        #expect(try await subject.store.record(for: bare.key)?.outcome == nil)
        #expect(try await subject.store.record(for: empty.key)?.outcome?.body == [])
        #expect(try await subject.store.record(for: IdempotencyKey(rawValue: "never-written")) == nil)
    }

    static func checkInsertRace(_ subject: Subject) async throws {
        let stores = [subject.store, try await subject.openAnother()]
        let key = "race-\(UUID().uuidString)"
        let results = try await concurrently(40) { index in
            var record = makeRecord(key: key, identity: "race")
            record.attempts = index
            return try await stores[index % 2].insertIfAbsent(record)
        }
        let winner = try #require(try await subject.store.record(for: IdempotencyKey(rawValue: key)))
        #expect(results.allSatisfy { $0 == winner })
        if let countRecords = subject.countRecords {
            #expect(try await countRecords(nil) == 1)
        }
    }

    static func checkInsertAndLeaseRace(_ subject: Subject) async throws {
        let stores = [subject.store, try await subject.openAnother()]
        let record = makeRecord()
        let results = try await concurrently(40) { index in
            try await stores[index % 2].insertAndLease(
                record,
                owner: "owner-\(index)",
                leaseExpiresAt: epoch + 30,
                now: epoch,
                adoptingFinished: true
            )
        }
        #expect(results.filter(\.leased).count == 1)
        #expect(Set(results.map(\.record.key)) == [record.key])
        let stored = try #require(try await subject.store.record(for: record.key))
        #expect(stored.leaseOwner == results.first(where: \.leased)?.record.leaseOwner)
    }

    static func checkIdentityRace(_ subject: Subject) async throws {
        let stores = [subject.store, try await subject.openAnother()]
        let identity = "identity-\(UUID().uuidString)"
        let keys = (0..<24).map { "secret-\($0)" }
        let results = try await concurrently(keys.count) { index in
            try await stores[index % 2].insertAndLease(
                makeRecord(key: keys[index], identity: identity),
                owner: "owner-\(index)",
                leaseExpiresAt: epoch + 30,
                now: epoch,
                adoptingFinished: true
            )
        }
        #expect(Set(results.map(\.record.key)).count == 1)
        #expect(results.filter(\.leased).count == 1)
        if let countRecords = subject.countRecords {
            #expect(try await countRecords(identity) == 1)
        } else {
            // Without raw access: of the keys the first writes used, exactly one has a record.
            var stored = 0
            for key in keys where try await subject.store.record(for: IdempotencyKey(rawValue: key)) != nil {
                stored += 1
            }
            #expect(stored == 1)
        }
        #expect(try await subject.store.latestRecord(intentFingerprint: identity)?.key == results[0].record.key)
    }

    static func checkIdentityLookup(_ subject: Subject) async throws {
        let store = subject.store
        // Unfinished under key A: a first write under key B resumes A, with the lease.
        let pending = makeRecord(key: "a-\(UUID().uuidString)", state: .pending)
        _ = try await store.insertIfAbsent(pending)
        let resumed = try await store.insertAndLease(
            makeRecord(identity: pending.intentFingerprint),
            owner: "me",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: false
        )
        #expect(resumed.record.key == pending.key && resumed.leased)

        // Finished under key A: adopted (unleased, nothing inserted) only when asked, and only
        // while the derived key has no record of its own.
        let done = makeRecord(
            key: "done-\(UUID().uuidString)",
            state: .succeeded,
            outcome: .init(status: 200, headers: [:], body: Array("{}".utf8))
        )
        _ = try await store.insertIfAbsent(done)
        let derived = makeRecord(identity: done.intentFingerprint)
        let adopted = try await store.insertAndLease(
            derived,
            owner: "me",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        )
        #expect(adopted.record == done && !adopted.leased)
        #expect(try await store.record(for: derived.key) == nil)
        let fresh = try await store.insertAndLease(
            derived,
            owner: "me",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: false
        )
        #expect(fresh.record.key == derived.key && fresh.leased)
        let own = try await store.insertAndLease(
            derived,
            owner: "me",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        )
        #expect(own.record.key == derived.key)

        // Both a finished and an unfinished record under other keys: the finished outcome is kept.
        let both = "both-\(UUID().uuidString)"
        let ended = makeRecord(
            key: "ended-\(UUID().uuidString)",
            identity: both,
            state: .succeeded,
            createdAt: epoch,
            outcome: .init(status: 200, headers: [:], body: [])
        )
        _ = try await store.insertIfAbsent(ended)
        _ = try await store.insertIfAbsent(
            makeRecord(key: "open-\(UUID().uuidString)", identity: both, state: .pending, createdAt: epoch + 1)
        )
        let kept = try await store.insertAndLease(
            makeRecord(identity: both),
            owner: "me",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        )
        #expect(kept.record == ended && !kept.leased)

        // The newest record of an identity, whatever its key.
        let older = makeRecord(key: "old-\(UUID().uuidString)", identity: "timeline", createdAt: epoch)
        let newer = makeRecord(key: "new-\(UUID().uuidString)", identity: "timeline", createdAt: epoch + 60)
        _ = try await store.insertIfAbsent(newer)
        _ = try await store.insertIfAbsent(older)
        #expect(try await store.latestRecord(intentFingerprint: "timeline") == newer)
        #expect(try await store.latestRecord(intentFingerprint: "nobody") == nil)
    }

    static func checkSettingRace(_ subject: Subject) async throws {
        let stores = [subject.store, try await subject.openAnother()]
        let values = try await concurrently(16) { index in
            try await stores[index % 2].setting(named: "namespace_secret") {
                (0..<32).map { _ in UInt8.random(in: 0...255) } + [UInt8(index)]
            }
        }
        #expect(Set(values).count == 1)
        #expect(values[0].count == 33)
        #expect(try await subject.openAnother().setting(named: "namespace_secret") { [] } == values[0])
    }

    static func checkConcurrentOpening(_ subject: Subject) async throws {
        let stores = try await concurrently(8) { _ in try await subject.openAnother() }
        let record = makeRecord()
        _ = try await stores[0].insertIfAbsent(record)
        for store in stores { #expect(try await store.record(for: record.key) == record) }
    }
}
