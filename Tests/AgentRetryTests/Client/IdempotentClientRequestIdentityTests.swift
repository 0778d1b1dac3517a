import AgentRetry
import Foundation
import MockPaymentServer
import Testing

/// What a record answers, and for which request, against the mock server with a real SQLite store
/// (issue 14, findings 3 to 5): a request that cannot be sent leaves nothing; one that never left
/// leaves nothing terminal; another target or key is a conflict, nothing sent.
@Suite("The idempotent client: one request per intent, nothing kept for what never left")
struct IdempotentClientRequestIdentityTests {
    static let secret = try! IdempotencyKeyDeriver.Secret(bytes: Array("identity-secret-0123456789abcdef".utf8))
    static let intent = IdempotencyIntent(namespace: "tests", operation: "charge", inputs: ["task_id": "t-1"])

    private func withClient(_ body: (MockPaymentServer, IdempotentClient) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: path) }
        try await MockPaymentServer.withServer { server in
            try await HTTPTransport.withTransport { transport in
                let store = try SQLiteIdempotencyStore(path: path.path)
                try await body(server, IdempotentClient(transport: transport, store: store, secret: Self.secret))
            }
        }
    }

    static func charge(_ url: String, key: String = "Bearer sk_test_one") -> HTTPRequest {
        var request = HTTPRequest(
            method: .post,
            url: url,
            body: "amount=700&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=t-1"
        )
        request.headers.add(name: "Authorization", value: key)
        return request
    }

    static func callError(_ operation: () async throws -> IdempotentResult) async -> IdempotentCallError? {
        do {
            let result = try await operation()
            Issue.record("expected an error, got \(result.status)")
            return nil
        } catch let error as IdempotentCallError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test(
        "A request that cannot be sent is invalidRequest, and no record is left",
        arguments: [
            "file:///etc/passwd", "gopher://127.0.0.1:70/", "http://127.0.0.1:99999/v1", "http://127.0.0.1/a b",
        ]
    )
    func invalidLeavesNothing(_ url: String) async throws {
        try await self.withClient { server, client in
            let error = await Self.callError { try await client.send(Self.charge(url), intent: Self.intent) }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains("refused before sending") == true)
            var crlf = Self.charge(server.baseURL + "/v1/payment_intents", key: "Bearer sk_test\r\nX-Evil: 1")
            crlf.headers.add(name: "X-Ok", value: "1")
            let header = await Self.callError { try await client.send(crlf, intent: Self.intent) }
            #expect(header?.code == .invalidRequest)
            #expect(header?.message.contains("sk_test") == false)
            let stored = try await client.storedRecord(for: Self.intent)
            #expect(stored == nil)
            #expect(server.journal.isEmpty)
        }
    }

    @Test("A URL libcurl refuses leaves the record unsent, not failed: the corrected URL is sent")
    func curlRefusalThenCorrected() async throws {
        try await self.withClient { server, client in
            let error = await Self.callError {
                try await client.send(Self.charge("http://a^b/v1"), intent: Self.intent)
            }
            #expect(error?.code == .invalidRequest)
            let record = try await client.storedRecord(for: Self.intent)
            #expect(record?.state == .prepared)
            #expect(record?.attempts == 0)
            let result = try await client.send(Self.charge(server.baseURL + "/v1/payment_intents"), intent: Self.intent)
            #expect(result.status == .succeeded)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Another path or another API key than the intent's first request: a conflict that says which")
    func otherTargetOrKey() async throws {
        try await self.withClient { server, client in
            let url = server.baseURL + "/v1/payment_intents"
            let first = try await client.send(Self.charge(url), intent: Self.intent)
            #expect(first.status == .succeeded)
            let path = await Self.callError {
                try await client.send(Self.charge(server.baseURL + "/v1/refunds"), intent: Self.intent)
            }
            #expect(path?.code == .targetChanged)
            let key = await Self.callError {
                try await client.send(Self.charge(url, key: "Bearer sk_test_two"), intent: Self.intent)
            }
            #expect(key?.code == .credentialsChanged)
            #expect(key?.message.contains("sk_test_two") == false)
            let profile = await Self.callError {
                try await client.send(Self.charge(url), intent: Self.intent, profile: .acp)
            }
            #expect(profile?.code == .targetChanged)
            #expect(server.journal.count == 1)
            let again = try await client.send(Self.charge(url), intent: Self.intent)
            #expect(again.fromStore && again.status == .succeeded)
            // The stored fingerprint holds no credential in clear.
            let stored = try await client.storedRecord(for: Self.intent)
            #expect(stored?.requestFingerprint.rawValue.contains("sk_test") == false)
            #expect(stored?.requestFingerprint.rawValue.split(separator: ".").count == 3)
        }
    }
}
