import AgentRetry
import AgentRetryTesting
import Foundation
import Synchronization
import Testing

/// The client without a disk or a socket: a scripted transport, the in-memory store, and an
/// environment whose clock, sleeps and jitter draws the test controls.
@Suite("The idempotent client on a scripted transport and the in-memory store")
struct IdempotentClientUnitTests {
    /// Virtual time with jitter draws from a list: sleeps return at once, move the clock and are kept.
    final class ScriptedEnvironment: RetryEnvironment {
        private let state: Mutex<(now: Date, sleeps: [Duration], draws: [Double])>
        init(draws: [Double]) { self.state = Mutex((Date(timeIntervalSince1970: 1_800_000_000), [], draws)) }
        func now() -> Date { self.state.withLock { $0.now } }
        func sleep(for duration: Duration) async throws {
            self.state.withLock {
                $0.sleeps.append(duration)
                $0.now += Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            }
        }
        func unitRandom() -> Double { self.state.withLock { $0.draws.isEmpty ? 1 : $0.draws.removeFirst() } }
        var sleeps: [Duration] { self.state.withLock { $0.sleeps } }
    }

    static let secret = try! IdempotencyKeyDeriver.Secret(bytes: Array("unit-test-secret-0123456789abcdef".utf8))

    static func charge() -> HTTPRequest {
        HTTPRequest(method: .post, url: "http://127.0.0.1:1/v1/payment_intents", body: "amount=100&currency=usd")
    }

    static func intent(_ task: String = "task-1") -> IdempotencyIntent {
        IdempotencyIntent(namespace: "unit", operation: "payment_intent.create", inputs: ["task_id": .string(task)])
    }

    static func client(
        _ transport: ScriptedTransport,
        _ environment: ScriptedEnvironment,
        store: InMemoryIdempotencyStore = .init(),
        policy: RetryPolicy = .standard
    ) -> IdempotentClient {
        IdempotentClient(
            transport: transport,
            store: store,
            secret: Self.secret,
            configuration: .init(policy: policy, owner: "unit"),
            environment: environment
        )
    }

    @Test("The client sleeps exactly the jitter draw times each ceiling: 0.5, 1, 2 s scaled by the draws")
    func jitterIsTheInjectedDraw() async throws {
        let transport = ScriptedTransport([.respond(503), .respond(503), .respond(503), .respond(200)])
        let environment = ScriptedEnvironment(draws: [0.2, 0.9, 0.5])
        let result = try await Self.client(transport, environment).send(Self.charge(), intent: Self.intent())
        #expect(result.status == .succeeded)
        #expect(environment.sleeps == [.milliseconds(100), .milliseconds(900), .seconds(1)])
        #expect(transport.requests.count == 4)
    }

    @Test("Another draw, other sleeps: the delays come from the injected source, not a constant")
    func otherDrawsOtherSleeps() async throws {
        let transport = ScriptedTransport([.fail(.curl(.operationTimedOut), .mayHaveBeenProcessed), .respond(200)])
        let environment = ScriptedEnvironment(draws: [0])
        _ = try await Self.client(transport, environment).send(Self.charge(), intent: Self.intent())
        #expect(environment.sleeps == [.zero])
    }

    @Test(
        "Timeout-but-success: every attempt carries the same key, and the outcome answers the next call from the store"
    )
    func sameKeyEveryAttempt() async throws {
        let transport = ScriptedTransport([
            .fail(.curl(.operationTimedOut), .mayHaveBeenProcessed),
            .respond(200, headers: ["Idempotent-Replayed": "true"], body: #"{"id": "pi_1"}"#),
        ])
        let store = InMemoryIdempotencyStore()
        let client = Self.client(transport, ScriptedEnvironment(draws: []), store: store)
        let first = try await client.send(Self.charge(), intent: Self.intent())
        #expect(first.status == .succeeded && first.replayed && first.attempts == 2)
        let keys = Set(transport.requests.map { $0.headers.first(name: "Idempotency-Key") })
        #expect(keys == [first.key.rawValue])
        let again = try await client.send(Self.charge(), intent: Self.intent())
        #expect(again.fromStore && again.status == .succeeded && again.key == first.key)
        #expect(transport.requests.count == 2)
        // Kept in memory, finished, and the lease given up in the same write.
        #expect(store.records.map(\.state) == [.succeeded])
        #expect(store.records.first?.leaseOwner == nil)
    }

    @Test("409 and 422 are sent once, never again, and a kept conflict is answered without sending")
    func conflictsAreNotResent() async throws {
        let bodies = [409: #"{"code": "idempotency_in_flight"}"#, 422: #"{"code": "idempotency_conflict"}"#]
        for status in [409, 422] {
            let transport = ScriptedTransport([.respond(status, body: bodies[status] ?? "")])
            let client = Self.client(transport, ScriptedEnvironment(draws: []))
            let error = await #expect(throws: IdempotentCallError.self) {
                try await client.send(Self.charge(), intent: Self.intent())
            }
            #expect(error?.code == (status == 409 ? .inFlightAtServer : .payloadMismatch))
            #expect(transport.requests.count == 1)
        }
        let transport = ScriptedTransport([.respond(422, body: bodies[422] ?? "")])
        let client = Self.client(transport, ScriptedEnvironment(draws: []))
        _ = try? await client.send(Self.charge(), intent: Self.intent())
        let error = await #expect(throws: IdempotentCallError.self) {
            try await client.send(Self.charge(), intent: Self.intent())
        }
        #expect(error?.code == .payloadMismatch)
        #expect(transport.requests.count == 1)
    }
}
