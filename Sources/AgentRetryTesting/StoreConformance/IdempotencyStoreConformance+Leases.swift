import AgentRetry
import Foundation
import Testing

/// Leases, guarded state transitions, and the removal of expired records.
extension IdempotencyStoreConformance.Check {
    static func checkLeaseExpiryAndTakeover(_ subject: Subject) async throws {
        let store = subject.store
        let other = try await subject.openAnother()
        let (first, leased) = try await store.insertAndLease(
            makeRecord(),
            owner: "a",
            leaseExpiresAt: epoch + 10,
            now: epoch,
            adoptingFinished: true
        )
        #expect(leased)
        #expect(try await other.acquireLease(key: first.key, owner: "b", expiresAt: epoch + 40, now: epoch + 5) == nil)
        let early = try await other.insertAndLease(
            first,
            owner: "b",
            leaseExpiresAt: epoch + 40,
            now: epoch + 9.999,
            adoptingFinished: true
        )
        #expect(early.leased == false)

        let taken = try #require(
            try await other.acquireLease(key: first.key, owner: "b", expiresAt: epoch + 40, now: epoch + 10)
        )
        #expect(taken.leaseOwner == "b" && taken.leaseExpiresAt == epoch + 40)

        var late = first
        late.state = .inFlight
        late.attempts = 1
        late.updatedAt = epoch + 11
        late.leaseExpiresAt = epoch + 41
        #expect(await storeError { try await store.update(late, owner: "a") }?.code == .leaseLost)
        #expect(await storeError { try await store.finish(late, owner: "a") }?.code == .leaseLost)

        var winner = taken
        winner.state = .inFlight
        winner.attempts = 1
        winner.updatedAt = epoch + 12
        winner.leaseExpiresAt = epoch + 42
        try await other.update(winner, owner: "b")
        #expect(try await store.record(for: first.key) == winner)
    }

    static func checkFirstWriteTakesExpiredLease(_ subject: Subject) async throws {
        let store = subject.store
        let first = try await store.insertAndLease(
            makeRecord(),
            owner: "a",
            leaseExpiresAt: epoch + 10,
            now: epoch,
            adoptingFinished: true
        )
        let taken = try await store.insertAndLease(
            first.record,
            owner: "b",
            leaseExpiresAt: epoch + 40,
            now: epoch + 10,
            adoptingFinished: true
        )
        #expect(taken.leased && taken.record.leaseOwner == "b" && taken.record.leaseExpiresAt == epoch + 40)

        // An unfinished record under another key (another secret's): its live lease is respected,
        // its expired one taken over.
        var open = makeRecord(key: "other-secret-\(UUID().uuidString)", state: .inFlight)
        open.leaseOwner = "c"
        open.leaseExpiresAt = epoch + 10
        _ = try await store.insertIfAbsent(open)
        let derived = makeRecord(identity: open.intentFingerprint)
        let refused = try await store.insertAndLease(
            derived,
            owner: "d",
            leaseExpiresAt: epoch + 40,
            now: epoch + 5,
            adoptingFinished: true
        )
        #expect(!refused.leased && refused.record.key == open.key && refused.record.leaseOwner == "c")
        let resumed = try await store.insertAndLease(
            derived,
            owner: "d",
            leaseExpiresAt: epoch + 40,
            now: epoch + 10,
            adoptingFinished: true
        )
        #expect(resumed.leased && resumed.record.key == open.key && resumed.record.leaseOwner == "d")
        #expect(try await store.record(for: derived.key) == nil)
    }

    static func checkLeaseRenewal(_ subject: Subject) async throws {
        let store = subject.store
        var record = try await store.insertAndLease(
            makeRecord(),
            owner: "a",
            leaseExpiresAt: epoch + 10,
            now: epoch,
            adoptingFinished: true
        ).record
        record.state = .inFlight
        record.updatedAt = epoch + 9
        record.leaseExpiresAt = epoch + 60
        try await store.update(record, owner: "a")
        let refused = try await store.acquireLease(key: record.key, owner: "b", expiresAt: epoch + 90, now: epoch + 30)
        #expect(refused == nil)
        // The holder's own write at an instant past its lease fails, even with nobody else there.
        record.updatedAt = epoch + 60
        #expect(await storeError { try await store.update(record, owner: "a") }?.code == .leaseLost)
        // Taking one's own lease again renews it.
        let renewed = try await store.acquireLease(key: record.key, owner: "a", expiresAt: epoch + 120, now: epoch + 61)
        #expect(renewed?.leaseExpiresAt == epoch + 120)
    }

    static func checkGuardedTransitions(_ subject: Subject) async throws {
        let stores = [subject.store, try await subject.openAnother()]
        let record = try await subject.store.insertAndLease(
            makeRecord(),
            owner: "owner-7",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        ).record
        let results = try await concurrently(20) { index -> Bool in
            var finished = record
            finished.state = index % 2 == 0 ? .succeeded : .failed
            finished.attempts = index
            finished.updatedAt = epoch + 1
            finished.outcome = .init(status: 200 + index, headers: [:], body: [UInt8(index)])
            do {
                try await stores[index % 2].finish(finished, owner: "owner-\(index)")
                return true
            } catch let error as IdempotencyStoreError where error.code == .leaseLost {
                return false
            }
        }
        #expect(results.filter { $0 }.count == 1)
        let stored = try #require(try await subject.store.record(for: record.key))
        #expect(stored.attempts == 7 && stored.state == .failed && stored.outcome?.status == 207)
        #expect(stored.leaseOwner == nil && stored.leaseExpiresAt == nil)

        // Finished: the lease is gone, no write lands, and no first write leases it again.
        var again = stored
        again.updatedAt = epoch + 2
        #expect(await storeError { try await subject.store.update(again, owner: "owner-7") }?.code == .leaseLost)
        let reopened = try await subject.store.insertAndLease(
            record,
            owner: "owner-7",
            leaseExpiresAt: epoch + 60,
            now: epoch + 3,
            adoptingFinished: true
        )
        #expect(!reopened.leased && reopened.record == stored)
    }

    static func checkChangedBodyTakesNoLease(_ subject: Subject) async throws {
        let original = makeRecord(body: "amount=1000")
        _ = try await subject.store.insertIfAbsent(original)
        var changed = original
        changed.requestFingerprint = RequestFingerprint.form("amount=9999")
        let result = try await subject.store.insertAndLease(
            changed,
            owner: "me",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        )
        #expect(!result.leased && result.record == original)
    }

    static func checkReleaseByHolderOnly(_ subject: Subject) async throws {
        let store = subject.store
        let record = try await store.insertAndLease(
            makeRecord(),
            owner: "a",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        ).record
        try await store.releaseLease(key: record.key, owner: "b")
        #expect(try await store.record(for: record.key)?.leaseOwner == "a")
        try await store.releaseLease(key: record.key, owner: "a")
        #expect(try await store.record(for: record.key)?.leaseOwner == nil)
        #expect(try await store.acquireLease(key: record.key, owner: "b", expiresAt: epoch + 30, now: epoch) != nil)
    }

    static func checkRemoveExpired(_ subject: Subject) async throws {
        let store = subject.store
        let old = epoch - 30 * 86_400
        let outcome = IdempotencyRecord.Outcome(status: 200, headers: [:], body: Array("{}".utf8))
        let goneSucceeded = makeRecord(state: .succeeded, createdAt: old, outcome: outcome)
        let goneFailed = makeRecord(state: .failed, createdAt: old, outcome: .init(status: 402, headers: [:], body: []))
        let goneConflict = makeRecord(state: .conflict, createdAt: old)
        let keptPending = makeRecord(state: .pending, createdAt: old)
        let keptInFlight = makeRecord(state: .inFlight, createdAt: old)
        let keptRecent = makeRecord(state: .succeeded, createdAt: epoch, outcome: outcome)
        var keptLeased = makeRecord(state: .succeeded, createdAt: old, outcome: outcome)
        keptLeased.leaseOwner = "reader"
        keptLeased.leaseExpiresAt = epoch + 30
        for record in [goneSucceeded, goneFailed, goneConflict, keptPending, keptInFlight, keptRecent, keptLeased] {
            _ = try await store.insertIfAbsent(record)
        }
        let cutoff = epoch - 86_400
        #expect(try await store.removeFinishedRecords(expiredBefore: cutoff, now: epoch) == 3)
        for gone in [goneSucceeded, goneFailed, goneConflict] { #expect(try await store.record(for: gone.key) == nil) }
        for kept in [keptPending, keptInFlight, keptRecent, keptLeased] {
            #expect(try await store.record(for: kept.key) == kept)
        }
        #expect(try await store.removeFinishedRecords(expiredBefore: cutoff, now: epoch) == 0)
        // Once its lease has expired, the leased one goes too.
        #expect(try await store.removeFinishedRecords(expiredBefore: cutoff, now: epoch + 31) == 1)
    }
}
