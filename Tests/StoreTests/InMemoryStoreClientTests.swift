import AgentRetry
import AgentRetryTesting
import Logging
import Synchronization
import Testing

/// The in-memory store under the client, as a user's own tests would run it: no disk, no socket.
@Suite("The in-memory store under the client")
struct InMemoryStoreClientTests {
    /// Answers every request with a 200 and counts them.
    final class CountingTransport: HTTPClientTransport {
        let sent = Mutex(0)

        func execute(_ request: HTTPRequest, logger: Logger?) async throws(HTTPTransportError) -> HTTPResponse {
            self.sent.withLock { $0 += 1 }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        }
    }

    @Test("A call's outcome is kept in memory, and the same intent again is answered from the store without sending")
    func clientOnInMemoryStore() async throws {
        let store = InMemoryIdempotencyStore()
        let transport = CountingTransport()
        let client = IdempotentClient(
            transport: transport, store: store, secret: try await IdempotentClient.storedSecret(in: store))
        let request = HTTPRequest(
            method: .post, url: "http://merchant.invalid/v1/payment_intents", body: "amount=1000&currency=usd")
        let intent = IdempotencyIntent(
            namespace: "tests", operation: "payment_intent.create", inputs: ["task_id": .string("in-memory")])

        let first = try await client.send(request, intent: intent)
        let again = try await client.send(request, intent: intent)
        #expect(first.status == .succeeded && !first.fromStore)
        #expect(again.status == .succeeded && again.fromStore && again.key == first.key)
        #expect(transport.sent.withLock { $0 } == 1)
        #expect(store.records.map(\.state) == [.succeeded])
        #expect(store.records.first?.leaseOwner == nil)
    }
}
