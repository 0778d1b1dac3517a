import AgentRetry
import AgentRetryPostgres
import AgentRetryTesting
import Foundation
import PostgresTestServer
import Testing

/// PostgreSQL leases tied to their holder's session: the check in SQL, and a lease session that
/// breaks while its process lives on.
@Suite("PostgreSQL: leases tied to the holder's session", .serialized)
struct PostgresLeaseSessionTests {
    /// Evaluates the session check on a lease recorded with `key`, on one connection that first
    /// takes the lock on `heldHere` at session level, if given; fails unless it says `expected`.
    static func check(
        _ server: PostgresTestServer,
        database: String,
        key: Int,
        heldHere: Int? = nil,
        expected: Bool
    ) async throws {
        let lockClass = PostgresLeaseSession.lockClass
        let hold = heldHere.map { "PERFORM pg_advisory_lock(\(lockClass), \($0));" } ?? ""
        // PSQLError's description hides the server's message; a failure here says it in full.
        do { try await Self.run(server, database: database, key: key, hold: hold, expected: expected) } catch {
            Issue.record("the session check failed: \(String(reflecting: error))")
            throw error
        }
    }

    private static func run(
        _ server: PostgresTestServer,
        database: String,
        key: Int,
        hold: String,
        expected: Bool
    ) async throws {
        try await server.execute(
            """
            DO $check$
            DECLARE ended boolean;
            BEGIN
                \(hold)
                SELECT \(PostgresIdempotencyStore.holderSessionEnded.sql) INTO ended
                FROM (VALUES ('owner'::text, 'owner'::text, \(key)::bigint))
                    AS r(lease_holder_owner, lease_owner, lease_holder_session);
                IF ended IS DISTINCT FROM \(expected) THEN
                    RAISE EXCEPTION 'the session check said % for key \(key)', ended;
                END IF;
            END
            $check$
            """,
            database: database
        )
    }

    @Test("Ended: a key no session holds. Not ended: one a live store's session holds, or this connection holds")
    func sessionCheck() async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try await server.makeDatabase()
        let store = try await PostgresIdempotencyStore.connect(configuration)
        let held = try await store.insertAndLease(
            makeRecord(),
            owner: "live",
            leaseExpiresAt: epoch + 600,
            now: epoch,
            adoptingFinished: true
        ).record
        let live = try #require(held.leaseHolder?.session)
        let unheld = live == 12_345 ? 12_346 : 12_345
        try await Self.check(server, database: configuration.database, key: unheld, expected: true)
        try await Self.check(server, database: configuration.database, key: live, expected: false)
        // A pooler in transaction mode may run a taker's statement on the very connection that
        // holds the lock: a session can take its own lock again, and must not read that as ended.
        try await Self.check(server, database: configuration.database, key: -7, heldHere: -7, expected: false)
        try await Self.check(server, database: configuration.database, key: 1 << 40, expected: false)
        await store.close()
        try await Self.check(server, database: configuration.database, key: live, expected: true)
    }

    @Test("A lease session that breaks while its process lives: its leases are taken over, later ones are held")
    func brokenSession() async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try await server.makeDatabase()
        let holder = try await PostgresIdempotencyStore.connect(configuration)
        let taker = try await PostgresIdempotencyStore.connect(configuration)
        let first = try await holder.insertAndLease(
            makeRecord(),
            owner: "holder",
            leaseExpiresAt: epoch + 600,
            now: epoch,
            adoptingFinished: true
        ).record
        let key = try #require(first.leaseHolder?.session)
        #expect(try await taker.acquireLease(key: first.key, owner: "taker", expiresAt: epoch + 600, now: epoch) == nil)
        let terminated = try await server.execute(
            """
            SELECT CAST(pg_terminate_backend(pid) AS TEXT) FROM pg_locks WHERE locktype = 'advisory'
            AND objsubid = 2 AND classid = CAST(\(PostgresLeaseSession.lockClass) AS oid)
            AND objid = CAST(\(key) AS oid)
            """,
            database: configuration.database
        )
        #expect(terminated == ["true"])

        let deadline = ContinuousClock.now + .seconds(20)
        var taken: IdempotencyRecord?
        while taken == nil && ContinuousClock.now < deadline {
            taken = try await taker.acquireLease(key: first.key, owner: "taker", expiresAt: epoch + 600, now: epoch + 1)
            if taken == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(taken?.leaseOwner == "taker")

        // The holder's store opens a new session for its next lease, which is then held.
        let second = try await holder.insertAndLease(
            makeRecord(),
            owner: "holder",
            leaseExpiresAt: epoch + 600,
            now: epoch + 2,
            adoptingFinished: true
        )
        #expect(second.leased)
        let renewedKey = try #require(second.record.leaseHolder?.session)
        #expect(renewedKey != key)
        let refused = try await taker.acquireLease(
            key: second.record.key,
            owner: "taker",
            expiresAt: epoch + 600,
            now: epoch + 3
        )
        #expect(refused == nil)
        await holder.close()
        await taker.close()
    }

    @Test("A store dropped without close(): its lease session closes with it, and its leases are free")
    func droppedStore() async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try await server.makeDatabase()
        let taker = try await PostgresIdempotencyStore.connect(configuration)
        let key = try await Self.leaseAndDrop(configuration)
        let deadline = ContinuousClock.now + .seconds(20)
        var taken: IdempotencyRecord?
        while taken == nil && ContinuousClock.now < deadline {
            taken = try await taker.acquireLease(key: key, owner: "taker", expiresAt: epoch + 600, now: epoch + 1)
            if taken == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(taken?.leaseOwner == "taker")
        await taker.close()
    }

    /// Takes a lease on a store of its own and lets the store go without closing it.
    private static func leaseAndDrop(
        _ configuration: PostgresIdempotencyStore.Configuration
    ) async throws -> IdempotencyKey {
        let dropped = try await PostgresIdempotencyStore.connect(configuration)
        let record = try await dropped.insertAndLease(
            makeRecord(),
            owner: "dropped",
            leaseExpiresAt: epoch + 600,
            now: epoch,
            adoptingFinished: true
        ).record
        #expect(record.leaseHolder?.session != nil)
        return record.key
    }
}
