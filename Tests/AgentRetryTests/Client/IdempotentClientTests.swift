import AgentRetry
import Foundation
import GRDB
import Metrics
import MetricsTestKit
import MockPaymentServer
import Synchronization
import Testing

/// Virtual time: sleeps return at once and move the clock; jitter draws at the top of its range.
final class TestRetryEnvironment: RetryEnvironment {
    private let state = Mutex((now: Date(timeIntervalSince1970: 1_795_400_000), sleeps: [Duration]()))
    func now() -> Date { self.state.withLock { $0.now } }
    func sleep(for duration: Duration) async throws {
        self.state.withLock {
            $0.sleeps.append(duration)
            $0.now +=
                duration.components.seconds > 0 || duration.components.attoseconds > 0
                ? Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 : 0
        }
    }
    func unitRandom() -> Double { 1 }
    var sleeps: [Duration] { self.state.withLock { $0.sleeps } }
    func advance(by seconds: TimeInterval) { self.state.withLock { $0.now += seconds } }
}

@Suite("The idempotent client against the mock server, with a real SQLite store")
struct IdempotentClientTests {
    struct Harness {
        let server: MockPaymentServer
        let transport: HTTPTransport
        let environment = TestRetryEnvironment()
        let directory: URL
        let secret = try! IdempotencyKeyDeriver.Secret(bytes: Array("harness-secret-0123456789abcdef".utf8))

        func client(
            store name: String = "store",
            owner: String = "test-owner",
            policy: RetryPolicy = .standard,
            leaseWait: Duration = .seconds(5)
        ) throws -> (IdempotentClient, SQLiteIdempotencyStore) {
            let store = try SQLiteIdempotencyStore(path: self.directory.appendingPathComponent("\(name).sqlite").path)
            let configuration = IdempotentClient.Configuration(policy: policy, leaseWait: leaseWait, owner: owner)
            return (
                IdempotentClient(
                    transport: self.transport,
                    store: store,
                    secret: self.secret,
                    configuration: configuration,
                    environment: self.environment
                ), store
            )
        }

        func charge(task: String = "task-1") -> HTTPRequest {
            var request = HTTPRequest(
                method: .post,
                url: self.server.baseURL + "/v1/payment_intents",
                body: "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=\(task)"
            )
            request.headers.add(name: "Authorization", value: "Bearer sk_test_client")
            return request
        }

        func intent(task: String = "task-1") -> IdempotencyIntent {
            IdempotencyIntent(
                namespace: "tests",
                operation: "payment_intent.create",
                inputs: ["task_id": .string(task)]
            )
        }
    }

    private func withHarness(faults: [FaultRule] = [], _ body: (Harness) async throws -> Void) async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.faults = faults
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentretry-client-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await MockPaymentServer.withServer(configuration) { server in
            try await HTTPTransport.withTransport { transport in
                try await body(Harness(server: server, transport: transport, directory: directory))
            }
        }
    }

    private static let charges = "/v1/payment_intents"

    @Test("Timeout-but-success: the second attempt carries the same key, is replayed, one charge")
    func timeoutButSuccess() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .dropAfterCommit, count: 1)
        ]) { harness in
            let metrics = TestMetrics()
            let (client, _) = try withMetricsFactory(metrics) { try harness.client() }
            let result = try await client.send(harness.charge(), intent: harness.intent())
            #expect(result.status == .succeeded)
            #expect(result.replayed)
            #expect(result.attempts == 2)
            #expect(metrics.counterTotal(label: "agentretry_client_attempts_total") == 2)
            #expect(
                metrics.counterTotal(
                    label: "agentretry_client_retries_total",
                    dimensions: [("reason", "mayHaveBeenProcessed")]
                ) == 1
            )
            #expect(metrics.counterTotal(label: "agentretry_client_replays_total") == 1)
            #expect(harness.server.ledger.count == 1)
            #expect(Set(harness.server.journal.map(\.idempotencyKey)) == [result.key.rawValue])
        }
    }

    @Test(
        "Genuine failures are re-executed: one charge",
        arguments: [
            FaultRule.Action.resetBeforeCommit, .statusBefore(status: 503, retryAfter: nil),
        ]
    )
    func genuineFailures(action: FaultRule.Action) async throws {
        try await self.withHarness(faults: [FaultRule(method: "POST", path: Self.charges, action: action, count: 1)]) {
            harness in
            let (client, _) = try harness.client()
            let result = try await client.send(harness.charge(), intent: harness.intent())
            #expect(result.status == .succeeded)
            #expect(!result.replayed)
            #expect(harness.server.ledger.count == 1)
        }
    }

    @Test("A stored success is returned with no request; a changed body is refused before sending")
    func storedSuccessAndChangedBody() async throws {
        try await self.withHarness { harness in
            let (client, _) = try harness.client()
            let first = try await client.send(harness.charge(), intent: harness.intent())
            let journalBefore = harness.server.journal.count
            let again = try await client.send(harness.charge(), intent: harness.intent())
            #expect(again.fromStore)
            #expect(again.response?.body == first.response?.body)
            #expect(harness.server.journal.count == journalBefore)
            var other = harness.charge()
            other.body = Array("amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true".utf8)
            let error = try await #require(throws: IdempotentCallError.self) {
                try await client.send(other, intent: harness.intent())
            }
            #expect(error.code == .bodyChanged)
            #expect(harness.server.journal.count == journalBefore)
        }
    }

    @Test("409 in flight at the server: exactly one request, a typed error, and the record resumable")
    func inFlightConflict() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .latency(milliseconds: 1500), count: 1)
        ]) { harness in
            // Two invocations with separate stores derive the same key; whichever reaches the server
            // second finds the first in flight (held 1.5 s by the latency fault).
            let (first, _) = try harness.client(store: "a", owner: "a")
            let (second, _) = try harness.client(store: "b", owner: "b")
            let clients = [first, second]
            let outcomes = await withTaskGroup(of: (Int, Result<IdempotentResult, IdempotentCallError>).self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        do throws(IdempotentCallError) {
                            return (index, .success(try await client.send(harness.charge(), intent: harness.intent())))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [Int: Result<IdempotentResult, IdempotentCallError>]()) {
                    $0[$1.0] = $1.1
                }
            }
            let conflicts = outcomes.compactMap { index, outcome -> (Int, IdempotentCallError)? in
                if case .failure(let error) = outcome { return (index, error) }
                return nil
            }
            try #require(conflicts.count == 1, "expected one conflict, got \(outcomes)")
            let (loser, error) = conflicts[0]
            #expect(error.code == .inFlightAtServer)
            #expect(error.retryAfter == .seconds(1))
            #expect(error.attempts == 1)
            #expect(harness.server.journal.filter { $0.status == 409 }.count == 1)
            let resumed = try await clients[loser].send(harness.charge(), intent: harness.intent())
            #expect(resumed.replayed)
            #expect(harness.server.ledger.count == 1)
        }
    }

    @Test("422: the key used with another body is never re-sent")
    func payloadMismatch() async throws {
        try await self.withHarness { harness in
            let (first, _) = try harness.client(store: "a", owner: "a")
            let (second, _) = try harness.client(store: "b", owner: "b")
            func create(_ currency: String) -> HTTPRequest {
                var request = HTTPRequest(
                    method: .post,
                    url: harness.server.baseURL + "/checkout_sessions",
                    body: "{\"currency\": \"\(currency)\", \"line_items\": [{\"id\": \"item_mug\"}], "
                        + "\"capabilities\": {}}"
                )
                request.headers.add(name: "Authorization", value: "Bearer sk_test_client")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "API-Version", value: "2026-04-17")
                return request
            }
            let intent = IdempotencyIntent(namespace: "tests", operation: "checkout.create", inputs: ["task_id": "t"])
            _ = try await first.send(create("usd"), intent: intent, profile: .acp)
            let error = try await #require(throws: IdempotentCallError.self) {
                try await second.send(create("eur"), intent: intent, profile: .acp)
            }
            #expect(error.code == .payloadMismatch)
            #expect(error.response?.status == 422)
            #expect(harness.server.journal.count == 2)
            // The kept conflict is returned again without sending.
            let again = try await #require(throws: IdempotentCallError.self) {
                try await second.send(create("eur"), intent: intent, profile: .acp)
            }
            #expect(again.code == .payloadMismatch)
            #expect(harness.server.journal.count == 2)
        }
    }

    @Test("429 with Retry-After in seconds and as an HTTP-date: the clock is advanced as told")
    func retryAfter() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .statusBefore(status: 429, retryAfter: "2"), count: 1)
        ]) { harness in
            let (client, _) = try harness.client()
            let result = try await client.send(harness.charge(), intent: harness.intent())
            #expect(result.status == .succeeded)
            #expect(harness.environment.sleeps == [.seconds(2)])
        }
        let start = Date(timeIntervalSince1970: 1_795_400_000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let httpDate = formatter.string(from: start.addingTimeInterval(7))
        try await self.withHarness(faults: [
            FaultRule(
                method: "POST",
                path: Self.charges,
                action: .statusBefore(status: 429, retryAfter: httpDate),
                count: 1
            )
        ]) { harness in
            let (client, _) = try harness.client()
            _ = try await client.send(harness.charge(), intent: harness.intent())
            #expect(harness.environment.sleeps == [.seconds(7)])
        }
    }

    @Test("A call that ended pending is resumed by the next invocation with the same key: replayed, one charge")
    func pendingResumes() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .dropAfterCommit, count: 1)
        ]) { harness in
            let (first, _) = try harness.client(owner: "first", policy: try RetryPolicy(maximumAttempts: 1))
            let pending = try await first.send(harness.charge(), intent: harness.intent())
            #expect(pending.status == .pending)
            #expect(harness.server.ledger.count == 1)
            let (second, _) = try harness.client(owner: "second")
            let resumed = try await second.send(harness.charge(), intent: harness.intent())
            #expect(resumed.status == .succeeded)
            #expect(resumed.replayed)
            #expect(resumed.key == pending.key)
            #expect(resumed.attempts == 2)
            #expect(harness.server.ledger.count == 1)
        }
    }

    @Test("A pending record older than the PSP's retention is never re-sent: needs reconciliation")
    func reconciliation() async throws {
        try await self.withHarness(faults: [FaultRule(method: "POST", path: Self.charges, action: .dropAfterCommit)]) {
            harness in
            let (client, _) = try harness.client(policy: try RetryPolicy(maximumAttempts: 2))
            let first = try await client.send(harness.charge(), intent: harness.intent())
            #expect(first.status == .pending)
            let sent = harness.server.journal.count
            harness.environment.advance(by: 24 * 3600)
            let error = try await #require(throws: IdempotentCallError.self) {
                try await client.send(harness.charge(), intent: harness.intent())
            }
            #expect(error.code == .needsReconciliation)
            #expect(harness.server.journal.count == sent)
        }
    }

    @Test("A reconciliation lookup settles a stale pending record without sending")
    func reconciliationLookup() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .dropAfterCommit, count: 2)
        ]) { harness in
            let (client, _) = try harness.client(policy: try RetryPolicy(maximumAttempts: 2))
            #expect(try await client.send(harness.charge(), intent: harness.intent()).status == .pending)
            let sent = harness.server.journal.count
            harness.environment.advance(by: 24 * 3600)
            let transport = harness.transport
            let list = HTTPRequest(
                method: .get,
                url: harness.server.baseURL + "/v1/payment_intents?limit=100",
                headers: ["Authorization": "Bearer sk_test_client"]
            )
            let settled = try await client.send(harness.charge(), intent: harness.intent()) { _ in
                // Look the payment up by its task id, as an agent would.
                let page = try await transport.execute(list)
                return (try? JSONValue(parsing: page.body))?["data"]?.arrayValue?.contains {
                    $0["metadata"]?["task_id"] == "task-1"
                } == true ? page : nil
            }
            #expect(settled.status == .succeeded)
            #expect(harness.server.journal.filter { $0.method == "POST" }.count == sent)
            let again = try await client.send(harness.charge(), intent: harness.intent())
            #expect(again.fromStore)
            #expect(harness.server.ledger.count == 1)
        }
    }

    @Test("A Retry-After beyond the cap ends the call with a typed error that carries it, nothing re-sent")
    func retryAfterBeyondCap() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .statusBefore(status: 503, retryAfter: "120"))
        ]) { harness in
            let (client, _) = try harness.client()
            let error = try await #require(throws: IdempotentCallError.self) {
                try await client.send(harness.charge(), intent: harness.intent())
            }
            #expect(error.code == .retryAfterBeyondLimit)
            #expect(error.retryAfter == .seconds(120))
            #expect(harness.server.journal.count == 1)
            #expect(harness.environment.sleeps.isEmpty)
        }
    }

    @Test("A corrupt store row is a typed error naming its key, and the row is left as it was")
    func corruptRow() async throws {
        try await self.withHarness { harness in
            let path = harness.directory.appendingPathComponent("store.sqlite").path
            let (client, store) = try harness.client()
            let result = try await client.send(harness.charge(), intent: harness.intent())
            // Another program writes nonsense into the row.
            try await DatabaseQueue(path: path).write { database in
                try database.execute(
                    sql: "UPDATE idempotency_record SET state='exploded', attempts='x', created_at='abc'"
                )
            }
            let error = try await #require(throws: IdempotencyStoreError.self) {
                try await store.record(for: result.key)
            }
            #expect(error.code == .corruptRecord)
            #expect(error.message.contains(result.key.rawValue))
            let callError = try await #require(throws: IdempotentCallError.self) {
                try await client.send(harness.charge(), intent: harness.intent())
            }
            #expect(callError.code == .store)
            #expect(harness.server.journal.count == 1)
        }
    }

    @Test("A time bucket makes a new intent, but an unfinished record of the old bucket is resumed after the rollover")
    func timeBucketRollover() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .dropAfterCommit, count: 1)
        ]) { harness in
            let (client, _) = try harness.client(policy: try RetryPolicy(maximumAttempts: 1))
            func intent(_ day: String) -> IdempotencyIntent {
                IdempotencyIntent(
                    namespace: "tests",
                    operation: "payment_intent.create",
                    inputs: ["customer": "c1"],
                    timeBucket: .string(day)
                )
            }
            let late = try await client.send(harness.charge(), intent: intent("2026-11-23"))
            #expect(late.status == .pending)
            let resumed = try await client.send(harness.charge(), intent: intent("2026-11-24"))
            #expect(resumed.key == late.key)
            #expect(resumed.replayed)
            let nextPurchase = try await client.send(harness.charge(task: "task-2"), intent: intent("2026-11-24"))
            #expect(nextPurchase.key != late.key)
            #expect(!nextPurchase.replayed)
            #expect(harness.server.ledger.count == 2)
        }
    }

    @Test("A re-invocation under another secret resumes the unfinished record's key: one charge")
    func secretChangeResumesKey() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .dropAfterCommit, count: 1)
        ]) { harness in
            let store = try SQLiteIdempotencyStore(path: harness.directory.appendingPathComponent("shared.sqlite").path)
            func client(_ secret: String) throws -> IdempotentClient {
                IdempotentClient(
                    transport: harness.transport,
                    store: store,
                    secret: try .init(bytes: Array(secret.utf8)),
                    configuration: .init(policy: try RetryPolicy(maximumAttempts: 1)),
                    environment: harness.environment
                )
            }
            let first = try await client("the-first-secret-0123456789").send(harness.charge(), intent: harness.intent())
            #expect(first.status == .pending)
            let second = try await client("another-secret-9876543210").send(harness.charge(), intent: harness.intent())
            #expect(second.key == first.key)
            #expect(second.replayed)
            #expect(harness.server.ledger.count == 1)
        }
    }

    @Test(
        "A success commits the anchor, found again with no request (also under another secret), not across time buckets"
    )
    func anchorKeptAndFound() async throws {
        try await self.withHarness { harness in
            let store = try SQLiteIdempotencyStore(path: harness.directory.appendingPathComponent("anchor.sqlite").path)
            func client(_ secret: String) throws -> IdempotentClient {
                IdempotentClient(
                    transport: harness.transport,
                    store: store,
                    secret: try .init(bytes: Array(secret.utf8)),
                    environment: harness.environment
                )
            }
            let first = try client("the-first-secret-0123456789")
            #expect(try await first.storedRecord(for: harness.intent()) == nil)
            let result = try await first.send(
                harness.charge(),
                intent: harness.intent(),
                anchor: { response in
                    (try? JSONValue(parsing: response.body))?["id"]?.stringValue
                }
            )
            #expect(result.anchor?.hasPrefix("pi_") == true)
            let requests = harness.server.journal.count
            let other = try client("another-secret-9876543210")
            let found = try #require(try await other.storedRecord(for: harness.intent()))
            #expect(found.key == result.key)
            #expect(found.anchor == result.anchor)
            #expect(found.state == .succeeded)
            let again = try await first.send(harness.charge(), intent: harness.intent())
            #expect(again.fromStore)
            #expect(again.anchor == result.anchor)
            // A finished outcome kept under another secret's key is answered from the store too.
            let elsewhere = try await other.send(harness.charge(), intent: harness.intent())
            #expect(elsewhere.fromStore)
            #expect(elsewhere.key == result.key)
            #expect(harness.server.journal.count == requests)
            // An intent with a time bucket is another intent: the earlier bucket's outcome is not its own.
            var nextDay = harness.intent()
            nextDay.timeBucket = "2026-11-24"
            #expect(try await other.storedRecord(for: nextDay) == nil)
        }
    }

    @Test("A Stripe key that replays a saved 500 is not re-sent: needs reconciliation, or the lookup settles it")
    func replayedServerError() async throws {
        try await self.withHarness(faults: [
            FaultRule(method: "POST", path: Self.charges, action: .statusAfterCommit(status: 500), count: 1)
        ]) { harness in
            let (client, _) = try harness.client()
            let error = await #expect(throws: IdempotentCallError.self) {
                try await client.send(harness.charge(), intent: harness.intent())
            }
            #expect(error?.code == .needsReconciliation)
            #expect(error?.response?.status == 500)
            #expect(harness.server.journal.count == 2, "the first 500, then its replay; no more")
            #expect(harness.server.ledger.count == 1)
            struct LookupDown: Error {}
            let unknown = try await client.send(
                harness.charge(),
                intent: harness.intent(),
                reconcile: { _ in throw LookupDown() }
            )
            #expect(unknown.status == .pending, "a failed lookup leaves the call unknown, to be looked up again")
            let settled = try await client.send(
                harness.charge(),
                intent: harness.intent(),
                reconcile: { _ in
                    HTTPResponse(status: 200, body: Array(#"{"id":"pi_found","status":"succeeded"}"#.utf8))
                }
            )
            #expect(settled.status == .succeeded)
            #expect(try await client.send(harness.charge(), intent: harness.intent()).fromStore)
            #expect(harness.server.ledger.count == 1)
        }
    }

    @Test("An expired lease no longer lets its holder write: the taker's writes win, the old holder's fail")
    func expiredLeaseCannotWrite() async throws {
        try await self.withHarness { harness in
            let (_, store) = try harness.client()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            var record = IdempotencyRecord(
                key: IdempotencyKey(rawValue: "k"),
                namespace: "n",
                operation: "o",
                intentFingerprint: "i",
                requestFingerprint: RequestFingerprint.bytes([]),
                profile: "stripe",
                state: .prepared,
                attempts: 0,
                createdAt: start,
                updatedAt: start,
                clientExpiresAt: start + 3600,
                pspExpiresAt: start + 7200
            )
            let (_, leased) = try await store.insertAndLease(
                record,
                owner: "a",
                leaseExpiresAt: start + 10,
                now: start,
                adoptingFinished: true
            )
            #expect(leased)
            #expect(
                try await store.acquireLease(key: record.key, owner: "b", expiresAt: start + 40, now: start + 5) == nil
            )
            #expect(
                try await store.acquireLease(key: record.key, owner: "b", expiresAt: start + 40, now: start + 11) != nil
            )
            record.state = .inFlight
            record.updatedAt = start + 12
            record.leaseExpiresAt = start + 30
            let lost = try await #require(throws: IdempotencyStoreError.self) {
                try await store.update(record, owner: "a")
            }
            #expect(lost.code == .leaseLost)
            try await store.update(record, owner: "b")
            #expect(try await store.record(for: record.key)?.state == .inFlight)
        }
    }

    @Test("A lease held by another invocation: waited for, then in progress elsewhere")
    func leaseHeldElsewhere() async throws {
        try await self.withHarness { harness in
            let (client, store) = try harness.client(leaseWait: .milliseconds(200))
            let key = try IdempotencyKeyDeriver(secret: harness.secret).key(for: harness.intent())
            let now = harness.environment.now()
            _ = try await store.insertIfAbsent(
                IdempotencyRecord(
                    key: key,
                    namespace: "tests",
                    operation: "payment_intent.create",
                    intentFingerprint: "x",
                    requestFingerprint: RequestFingerprint.form(
                        String(decoding: harness.charge().body ?? [], as: UTF8.self)
                    ),
                    profile: "stripe",
                    state: .prepared,
                    attempts: 0,
                    createdAt: now,
                    updatedAt: now,
                    clientExpiresAt: now + 3600,
                    pspExpiresAt: now + 7200
                )
            )
            #expect(
                try await store.acquireLease(key: key, owner: "someone-else", expiresAt: now + 3600, now: now) != nil
            )
            let error = try await #require(throws: IdempotentCallError.self) {
                try await client.send(harness.charge(), intent: harness.intent())
            }
            #expect(error.code == .inProgressElsewhere)
            #expect(harness.server.journal.isEmpty)
        }
    }
}
