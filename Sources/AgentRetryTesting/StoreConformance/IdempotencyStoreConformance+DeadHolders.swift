import AgentRetry
import Foundation
import Testing

/// Leases whose holder died: taken over at once when the store can prove it, waited for otherwise.
extension IdempotencyStoreConformance.Check {
    /// Long enough that no lease of these checks expires while they run: every takeover before it
    /// is a dead holder's.
    static let farExpiry = epoch + 600

    static func checkDeadHolderTakeover(_ subject: Subject) async throws {
        let store = subject.store
        guard let openProcess = subject.openProcess else {
            try await Self.checkLiveLeaseWaitedFor(subject)
            return
        }
        let dying = try await openProcess()
        let first = try await dying.store.insertAndLease(
            makeRecord(),
            owner: "dying",
            leaseExpiresAt: farExpiry,
            now: epoch,
            adoptingFinished: true
        )
        #expect(first.leased)
        // A second lease, renewed by a write: the renewal records the holder too.
        var second = try await dying.store.insertAndLease(
            makeRecord(),
            owner: "dying",
            leaseExpiresAt: epoch + 10,
            now: epoch,
            adoptingFinished: true
        ).record
        second.state = .inFlight
        second.attempts = 1
        second.updatedAt = epoch + 1
        second.leaseExpiresAt = farExpiry
        try await dying.store.update(second, owner: "dying")

        // Alive: waited for, through either way of taking a lease.
        #expect(
            try await store.acquireLease(key: first.record.key, owner: "next", expiresAt: farExpiry, now: epoch + 2)
                == nil
        )
        let refused = try await store.insertAndLease(
            first.record,
            owner: "next",
            leaseExpiresAt: farExpiry,
            now: epoch + 2,
            adoptingFinished: true
        )
        #expect(!refused.leased && refused.record.leaseOwner == "dying")
        #expect(
            try await store.acquireLease(key: second.key, owner: "next", expiresAt: farExpiry, now: epoch + 2) == nil
        )

        await dying.kill()
        // Dead: taken over long before the leases expire, once the store has noticed (moments).
        let taken = try await eventually {
            try await store.insertAndLease(
                first.record,
                owner: "next",
                leaseExpiresAt: farExpiry,
                now: epoch + 3,
                adoptingFinished: true
            )
        } until: {
            $0.leased
        }
        #expect(taken.leased && taken.record.leaseOwner == "next" && taken.record.leaseExpiresAt == farExpiry)
        let resumed = try await eventually {
            try await store.acquireLease(key: second.key, owner: "next", expiresAt: farExpiry, now: epoch + 3)
        } until: {
            $0 != nil
        }
        #expect(resumed?.leaseOwner == "next" && resumed?.state == .inFlight && resumed?.attempts == 1)

        // The taker's lease is live and its own: its writes land, another owner waits for it, and
        // the dead holder's writes land no more.
        var written = taken.record
        written.state = .inFlight
        written.attempts = 1
        written.updatedAt = epoch + 4
        written.leaseExpiresAt = farExpiry
        try await store.update(written, owner: "next")
        #expect(
            try await store.acquireLease(key: written.key, owner: "third", expiresAt: farExpiry, now: epoch + 5) == nil
        )
        var late = second
        late.updatedAt = epoch + 6
        #expect(await Self.throwsError { try await dying.store.update(late, owner: "dying") })
        #expect(try await store.record(for: second.key)?.leaseOwner == "next")
    }

    static func checkStaleHolderIgnored(_ subject: Subject) async throws {
        let store = subject.store
        var holder = LeaseHolder(owner: "earlier-owner")
        if let openProcess = subject.openProcess {
            // A holder this store proves dead...
            let dying = try await openProcess()
            let held = try await dying.store.insertAndLease(
                makeRecord(),
                owner: "earlier-owner",
                leaseExpiresAt: farExpiry,
                now: epoch,
                adoptingFinished: true
            ).record
            holder = try #require(held.leaseHolder, "a store that proves holders dead records them")
            #expect(holder.owner == "earlier-owner")
            await dying.kill()
            let proven = try await eventually {
                try await store.acquireLease(key: held.key, owner: "prover", expiresAt: farExpiry, now: epoch + 1)
            } until: {
                $0 != nil
            }
            #expect(proven?.leaseOwner == "prover")
        }
        // ...recorded for another owner than the lease's, as an older AgentRetry, which records no
        // holder, leaves it when it takes a lease over: it says nothing about this lease.
        var stale = makeRecord(state: .inFlight)
        stale.leaseOwner = "older-version"
        stale.leaseExpiresAt = farExpiry
        stale.leaseHolder = holder
        _ = try await store.insertIfAbsent(stale)
        #expect(
            try await store.acquireLease(key: stale.key, owner: "next", expiresAt: farExpiry, now: epoch + 2) == nil
        )
        let refused = try await store.insertAndLease(
            stale,
            owner: "next",
            leaseExpiresAt: farExpiry,
            now: epoch + 2,
            adoptingFinished: true
        )
        #expect(!refused.leased && refused.record.leaseOwner == "older-version")
        // No holder recorded at all: waited for as well, until the lease expires.
        var bare = makeRecord(state: .inFlight)
        bare.leaseOwner = "older-version"
        bare.leaseExpiresAt = farExpiry
        _ = try await store.insertIfAbsent(bare)
        #expect(try await store.acquireLease(key: bare.key, owner: "next", expiresAt: farExpiry, now: epoch + 2) == nil)
        #expect(
            try await store.acquireLease(key: stale.key, owner: "next", expiresAt: farExpiry + 60, now: farExpiry)
                != nil
        )
    }

    /// A store that cannot prove a holder dead: a live lease of another connection is waited for
    /// until the instant it expires.
    static func checkLiveLeaseWaitedFor(_ subject: Subject) async throws {
        let other = try await subject.openAnother()
        let held = try await other.insertAndLease(
            makeRecord(),
            owner: "holder",
            leaseExpiresAt: farExpiry,
            now: epoch,
            adoptingFinished: true
        ).record
        let early = farExpiry - 0.001
        #expect(
            try await subject.store.acquireLease(key: held.key, owner: "next", expiresAt: farExpiry, now: early) == nil
        )
        #expect(
            try await subject.store.acquireLease(
                key: held.key,
                owner: "next",
                expiresAt: farExpiry + 60,
                now: farExpiry
            ) != nil
        )
    }

    /// Calls `attempt` until `done` accepts its result, every 50 ms for up to 20 seconds (a
    /// liveness bound: a database server notices a closed connection within moments, and the
    /// machine may be busy); returns the last result.
    static func eventually<T: Sendable>(
        _ attempt: () async throws -> T,
        until done: (T) -> Bool
    ) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let result = try await attempt()
            if done(result) || ContinuousClock.now > deadline { return result }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Whether `body` throws.
    static func throwsError(_ body: () async throws -> Void) async -> Bool {
        do {
            try await body()
            return false
        } catch {
            return true
        }
    }
}
