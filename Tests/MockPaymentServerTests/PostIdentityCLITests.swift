import AgentRetry
import Foundation
import MockPaymentServer
import Testing

/// What a `post` record answers, and for which request (issue 14, findings 2, 4 and 5): another
/// target or key under the same task id is a conflict; a request that never left leaves nothing
/// terminal; an answer over the size limit keeps what its status says.
@Suite("agent-retry post: one target per task, no false failures", .serialized)
struct PostIdentityCLITests {
    typealias H = HostileInputCLITests

    static func post(_ url: String, store: String, task: String, _ extra: [String] = []) -> [String] {
        H.post(url, store: store, task: task, H.key + H.forms + ["--form", "metadata[task_id]=\(task)"] + extra)
    }

    @Test("The same task id and body to another path, host, API key or profile: a conflict, nothing sent")
    func otherTargetsConflict() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let url = server.baseURL + "/v1/payment_intents"
            let (first, _, paid) = try await CLIChild.run(Self.post(url, store: store, task: "one"))
            #expect(first == 0, "\(paid)")
            let sent = server.journal.count
            let port = server.baseURL.split(separator: ":").last.map(String.init) ?? ""
            let others: [(String, [String], String)] = [
                (
                    "another path", Self.post(server.baseURL + "/v1/refunds", store: store, task: "one"),
                    "another target"
                ),
                (
                    "another host", Self.post("http://localhost:\(port)/v1/payment_intents", store: store, task: "one"),
                    "another target"
                ),
                (
                    "another API key",
                    H.post(
                        url,
                        store: store,
                        task: "one",
                        ["--header", "Authorization: Bearer sk_test_other"] + H.forms
                            + ["--form", "metadata[task_id]=one"]
                    ),
                    "another API key"
                ),
                ("another profile", Self.post(url, store: store, task: "one", ["--profile", "acp"]), "--profile"),
            ]
            for (name, arguments, says) in others {
                let (status, stdout, json) = try await CLIChild.run(arguments)
                #expect(status == 30, "\(name): \(stdout)")
                #expect(json["status"] == "conflict", "\(name)")
                #expect(json["message"]?.stringValue?.contains(says) == true, "\(name): \(json)")
                #expect(!stdout.contains("sk_test_other"), "\(name)")
            }
            #expect(server.journal.count == sent)
            #expect(server.ledger.count == 1)
            // The first target still answers from the store.
            let (again, _, replay) = try await CLIChild.run(Self.post(url, store: store, task: "one"))
            #expect(again == 0)
            #expect(replay["from_store"] == true)
            #expect(replay["idempotency_key"] == paid["idempotency_key"])
        }
    }

    @Test("A URL with an invalid port leaves nothing: the corrected URL under the same task id is sent")
    func invalidPortThenCorrected() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            for port in ["99999", "0"] {
                let (status, _, json) = try await CLIChild.run(
                    Self.post("http://127.0.0.1:\(port)/v1/payment_intents", store: store, task: "port")
                )
                #expect(status == 2, "\(json)")
            }
            let (fixed, _, json) = try await CLIChild.run(
                Self.post(server.baseURL + "/v1/payment_intents", store: store, task: "port")
            )
            #expect(fixed == 0, "\(json)")
            #expect(json["status"] == "succeeded")
            #expect(server.ledger.count == 1)
        }
    }

    @Test("Nothing reached the server (connection refused): the corrected URL under the same task id is sent")
    func notSentThenCorrected() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let (refused, _, json) = try await CLIChild.run(
                Self.post(
                    "http://127.0.0.1:1/v1/payment_intents",
                    store: store,
                    task: "closed",
                    ["--max-attempts", "1"]
                )
            )
            #expect(refused == 20, "\(json)")
            let (fixed, _, report) = try await CLIChild.run(
                Self.post(server.baseURL + "/v1/payment_intents", store: store, task: "closed")
            )
            #expect(fixed == 0, "\(report)")
            #expect(server.ledger.count == 1)
        }
    }

    @Test("A 2xx over --max-response-bytes is a success without its body, also from the store")
    func oversizedSuccess() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let url = server.baseURL + "/v1/payment_intents"
            let arguments = Self.post(url, store: store, task: "huge", ["--max-response-bytes", "64"])
            let (status, stdout, json) = try await CLIChild.run(arguments)
            #expect(status == 0, "\(stdout)")
            #expect(json["status"] == "succeeded")
            #expect(json["http_status"] == 200)
            #expect(json["body_omitted"] == true)
            #expect(json["body"] == .null)
            #expect(server.ledger.count == 1)
            let (again, _, stored) = try await CLIChild.run(arguments)
            #expect(again == 0)
            #expect(stored["from_store"] == true)
            #expect(stored["body_omitted"] == true)
            #expect(server.ledger.count == 1)
        }
    }

    @Test("A decline over --max-response-bytes is pending (20), never failed; the re-run gets the decline")
    func oversizedDecline() async throws {
        try await withMockServer { server, _ in
            let store = CLIChild.storePath()
            let url = server.baseURL + "/v1/payment_intents"
            let declined = H.post(
                url,
                store: store,
                task: "no",
                H.key + ["--form", "amount=1200", "--form", "currency=usd", "--form", "confirm=true"]
                    + ["--form", "payment_method=pm_card_chargeDeclined", "--form", "metadata[task_id]=no"]
            )
            let (status, stdout, json) = try await CLIChild.run(declined + ["--max-response-bytes", "64"])
            #expect(status == 20, "\(stdout)")
            #expect(json["status"] == "pending")
            #expect(json["error"] == "responseBodyTooLarge")
            #expect(json["message"]?.stringValue?.contains("402") == true, "\(json)")
            let (again, _, kept) = try await CLIChild.run(declined)
            #expect(again == 10, "\(kept)")
            #expect(kept["http_status"] == 402)
            #expect(server.ledger.isEmpty)
        }
    }

    @Test("Library: a 2xx over maximumResponseBodySize is kept as a success without its body, never failed")
    func libraryOversized() async throws {
        var transport = HTTPTransport.Configuration()
        transport.maximumResponseBodySize = 64
        try await withMockServer(transport: transport) { server, transport in
            let store = try SQLiteIdempotencyStore(path: CLIChild.storePath())
            let client = IdempotentClient(transport: transport, store: store, secret: .random())
            let request = stripePost(
                server,
                "/v1/payment_intents",
                "amount=500&currency=usd&payment_method=pm_card_visa&confirm=true"
            )
            let intent = IdempotencyIntent(namespace: "t", operation: "charge", inputs: ["task_id": "big"])
            let result = try await client.send(request, intent: intent)
            #expect(result.status == .succeeded)
            #expect(result.responseBodyOmitted)
            #expect(result.response?.status == 200)
            let again = try await client.send(request, intent: intent)
            #expect(again.status == .succeeded && again.fromStore && again.responseBodyOmitted)
            #expect(server.ledger.count == 1)
        }
    }
}
