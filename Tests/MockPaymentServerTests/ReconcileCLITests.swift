import AgentRetry
import AgentRetryPostgres
import AgentRetryTesting
import Foundation
import MockPaymentServer
import PostgresTestServer
import Testing

/// `agent-retry reconcile` as real child processes against the mock PSP: a record a SIGKILLed
/// checkout left unfinished is settled, and duplicates made by another client (raw POSTs under
/// random keys) are found and refunded exactly once, however often and by however many reconcilers.
@Suite("agent-retry reconcile settles unknown outcomes and refunds duplicates once", .serialized)
struct ReconcileCLITests {
    /// A new store of `kind`: a SQLite file (created), or a PostgreSQL database.
    static func newStore(_ kind: String) async throws -> String {
        guard kind == "postgres" else {
            let path = CLIChild.storePath()
            _ = try SQLiteIdempotencyStore(path: path)
            return path
        }
        return try await PostgresTestServer.shared().makeDatabaseURL()
    }

    /// A succeeded PaymentIntent for `task` made by another client: a raw POST under a random key.
    static func foreignCharge(
        _ server: MockPaymentServer,
        _ transport: HTTPTransport,
        task: String
    ) async throws
        -> String
    {
        let form =
            "amount=1500&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Btask_id%5D=\(task)"
        let response = try await transport.execute(
            stripePost(server, "/v1/payment_intents", form, key: "foreign-\(UUID().uuidString)")
        )
        #expect(response.status == 200, "\(response.json)")
        return try #require(response.json["id"]?.stringValue)
    }

    static func reconcile(_ server: MockPaymentServer, store: String, refund: Bool = true) throws -> CLIChild {
        try CLIChild.start(
            ["reconcile", "--server", server.baseURL, "--protocol", "stripe", "--api-key", testKey, "--store", store]
                + (refund ? ["--refund-duplicates"] : [])
        )
    }

    /// The refunds in the ledger, counted by the PaymentIntent each refunded (read from the mock's
    /// refund objects, which the ledger entries name).
    static func refunds(_ server: MockPaymentServer, _ transport: HTTPTransport) async throws -> [String: Int] {
        let response = try await transport.execute(stripeGet(server, "/v1/refunds?limit=100"))
        let objects = response.json["data"]?.arrayValue ?? []
        var intentOfRefund: [String: String] = [:]
        for object in objects {
            intentOfRefund[object["id"]?.stringValue ?? ""] = object["payment_intent"]?.stringValue
        }
        var counts: [String: Int] = [:]
        for entry in server.ledger where entry.kind == "refund" {
            counts[intentOfRefund[entry.id] ?? "unknown", default: 0] += 1
        }
        return counts
    }

    /// Each of `extras` refunded exactly once, nothing else.
    static func once(_ extras: Set<String>) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: extras.map { ($0, 1) })
    }

    @Test(
        "A killed checkout's record is settled; foreign duplicates are found and refunded once; run again, none",
        arguments: ["sqlite", "postgres"]
    )
    func settlesAndRefundsOnce(_ kind: String) async throws {
        try await withMockServer { server, transport in
            let store = try await Self.newStore(kind)
            let cart = try CheckoutCLITests.cartFile(token: "pm_card_visa")
            let killed = try CLIChild.checkout(
                server: server.baseURL,
                store: store,
                task: "rec-killed",
                cart: cart,
                pauseAt: "after-response:confirm",
                extra: ["--protocol", "stripe"]
            )
            #expect(await killed.waitForPause().contains("paused: after-response:confirm"))
            try await killed.kill()
            let (paid, paidJSON) = try await CLIChild.checkout(
                server: server.baseURL,
                store: store,
                task: "rec-dup",
                cart: cart,
                extra: ["--protocol", "stripe"]
            ).finish()
            #expect(paid == 0, "\(paidJSON)")
            let kept = try #require(paidJSON["payment_intent_id"]?.stringValue)
            var extras: Set<String> = []
            for _ in 0..<2 { extras.insert(try await Self.foreignCharge(server, transport, task: "rec-dup")) }
            let foreignFirst = try await Self.foreignCharge(server, transport, task: "rec-foreign")
            extras.insert(try await Self.foreignCharge(server, transport, task: "rec-foreign"))

            let (status, json) = try await Self.reconcile(server, store: store).finish()
            #expect(status == 0, "\(json)")
            let settled = json["settled"]?.arrayValue ?? []
            #expect(settled.count == 1, "\(json)")
            #expect(settled.first?["operation"] == "stripe.payment_intent.confirm")
            #expect(settled.first?["from"] == "inFlight")
            #expect(settled.first?["state"] == "succeeded")
            let duplicates = json["duplicates"]?.arrayValue ?? []
            #expect(duplicates.map { $0["task_id"]?.stringValue } == ["rec-dup", "rec-foreign"])
            #expect(duplicates.first?["first_charge_id"]?.stringValue == kept)
            #expect(duplicates.last?["first_charge_id"]?.stringValue == foreignFirst)
            let listed = duplicates.flatMap { $0["extra_charge_ids"]?.arrayValue ?? [] }.compactMap(\.stringValue)
            #expect(Set(listed) == extras)
            #expect(json["refunded"] == 3)
            #expect(try await Self.refunds(server, transport) == Self.once(extras))

            // The settled task answers from the store: no new charge.
            let chargesBefore = server.ledger.filter { $0.kind == "charge" }.count
            let (again, againJSON) = try await CLIChild.checkout(
                server: server.baseURL,
                store: store,
                task: "rec-killed",
                cart: cart,
                extra: ["--protocol", "stripe"]
            ).finish()
            #expect(again == 0, "\(againJSON)")
            #expect(server.ledger.filter { $0.kind == "charge" }.count == chargesBefore)

            let (second, secondJSON) = try await Self.reconcile(server, store: store).finish()
            #expect(second == 0, "\(secondJSON)")
            #expect(secondJSON["refunded"] == 0)
            #expect(secondJSON["settled"]?.arrayValue?.isEmpty == true)
            let statuses = (secondJSON["duplicates"]?.arrayValue ?? []).flatMap { $0["refunds"]?.arrayValue ?? [] }
            #expect(statuses.map { $0["status"] } == Array(repeating: "already_refunded", count: 3))
            #expect(try await Self.refunds(server, transport) == Self.once(extras))
        }
    }

    @Test("A record a live checkout holds is skipped; once that checkout is SIGKILLed, the next run settles it")
    func liveHolderSkipped() async throws {
        try await withMockServer { server, _ in
            let store = try await Self.newStore("sqlite")
            let paused = try CLIChild.checkout(
                server: server.baseURL,
                store: store,
                task: "rec-live",
                cart: try CheckoutCLITests.cartFile(token: "pm_card_visa"),
                pauseAt: "after-response:confirm",
                extra: ["--protocol", "stripe"]
            )
            #expect(await paused.waitForPause().contains("paused: after-response:confirm"))
            let (status, json) = try await Self.reconcile(server, store: store).finish()
            #expect(status == 0, "\(json)")
            #expect(json["settled"]?.arrayValue?.isEmpty == true, "\(json)")
            let skipped = json["skipped"]?.arrayValue ?? []
            #expect(skipped.map { $0["operation"] } == ["stripe.payment_intent.confirm"], "\(json)")
            #expect(skipped.first?["reason"]?.stringValue?.contains("live process") == true)
            try await paused.kill()
            let (again, againJSON) = try await Self.reconcile(server, store: store).finish()
            #expect(again == 0, "\(againJSON)")
            #expect(againJSON["settled"]?.arrayValue?.map { $0["state"] } == ["succeeded"], "\(againJSON)")
            #expect(againJSON["skipped"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("A checkout whose confirm answers are all lost leaves its record pending; reconcile settles it")
    func faultedCheckoutSettled() async throws {
        try await withMockServer { server, _ in
            let store = try await Self.newStore("sqlite")
            server.addFaults([
                FaultRule(method: "POST", path: "/v1/payment_intents/*/confirm", action: .dropAfterCommit)
            ])
            let (status, json) = try await CLIChild.checkout(
                server: server.baseURL,
                store: store,
                task: "rec-faulted",
                cart: try CheckoutCLITests.cartFile(token: "pm_card_visa"),
                extra: ["--protocol", "stripe", "--max-attempts", "2", "--initial-backoff", "0.01"]
            ).finish()
            server.clearFaults()
            let opened = try SQLiteIdempotencyStore(path: store)
            let before = try await opened.unfinishedRecords(after: nil, limit: 10)
            #expect(before.map(\.operation) == ["stripe.payment_intent.confirm"], "checkout: \(status) \(json)")
            let (reconciled, report) = try await Self.reconcile(server, store: store).finish()
            #expect(reconciled == 0, "\(report)")
            #expect(report["settled"]?.arrayValue?.map { $0["from"] } == [.string(before.first?.state.rawValue ?? "")])
            #expect(try await opened.unfinishedRecords(after: nil, limit: 10).isEmpty)
            let key = try #require(before.first?.key)
            let settled = try #require(try await opened.record(for: key))
            #expect(settled.state == .succeeded)
            #expect(settled.outcome?.status == 200)
            #expect(settled.leaseOwner == nil)
        }
    }

    @Test("Two reconcilers at once, each with its own store, refund each extra charge exactly once")
    func concurrentReconcilers() async throws {
        try await withMockServer { server, transport in
            var extras: Set<String> = []
            for task in ["c-1", "c-2", "c-3"] {
                _ = try await Self.foreignCharge(server, transport, task: task)
                for _ in 0..<2 { extras.insert(try await Self.foreignCharge(server, transport, task: task)) }
            }
            let children = [
                try Self.reconcile(server, store: try await Self.newStore("sqlite")),
                try Self.reconcile(server, store: try await Self.newStore("sqlite")),
            ]
            var refunded = 0
            for child in children {
                let (status, json) = try await child.finish()
                #expect(status == 0, "\(json)")
                refunded += Int(json["refunded"]?.numberValue ?? -100)
                // The later of two refunds of a charge is a replay or skipped, never a refusal.
                let statuses = (json["duplicates"]?.arrayValue ?? []).flatMap { $0["refunds"]?.arrayValue ?? [] }
                let allowed: Set<String> = ["refunded", "already_refunded"]
                let named = statuses.map { $0["status"]?.stringValue ?? "none" }
                #expect(named.count == extras.count && named.allSatisfy(allowed.contains), "\(json)")
            }
            #expect(refunded == extras.count)
            // Both reconcilers, with different stores, sent each charge's refund under one key.
            let keys = Set(server.requests("POST", endingIn: "/v1/refunds").compactMap(\.idempotencyKey))
            #expect(keys.count <= extras.count)
            #expect(try await Self.refunds(server, transport) == Self.once(extras))
            let (status, json) = try await Self.reconcile(server, store: try await Self.newStore("sqlite")).finish()
            #expect(status == 0, "\(json)")
            #expect(json["refunded"] == 0)
            #expect(try await Self.refunds(server, transport).values.reduce(0, +) == extras.count)
        }
    }

    @Test("Without --refund-duplicates nothing is refunded; --format table lists task, amount, first, extras")
    func reportsOnly() async throws {
        try await withMockServer { server, transport in
            let first = try await Self.foreignCharge(server, transport, task: "t-table")
            let extra = try await Self.foreignCharge(server, transport, task: "t-table")
            let store = try await Self.newStore("sqlite")
            let (status, json) = try await Self.reconcile(server, store: store, refund: false).finish()
            #expect(status == 0, "\(json)")
            #expect(json["refunded"] == 0)
            let refunds = json["duplicates"]?.arrayValue?.first?["refunds"]?.arrayValue ?? []
            #expect(refunds.map { $0["status"] } == ["not_refunded"])
            #expect(server.ledger.filter { $0.kind == "refund" }.isEmpty)
            let (tableStatus, text, _) = try await CLIChild.run([
                "reconcile", "--server", server.baseURL, "--api-key", testKey, "--store", store, "--format", "table",
            ])
            #expect(tableStatus == 0, "\(text)")
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.first?.split(separator: " ") == ["task", "amount", "first", "extras"])
            #expect(
                lines.contains {
                    $0.hasPrefix("t-table") && $0.contains("1500 usd") && $0.contains(first) && $0.contains(extra)
                }
            )
            #expect(!text.contains(testKey))
        }
    }

    @Test("ACP: unfinished records are reported, not settled; refunding is a usage error; the key never shows")
    func acpIsHonest() async throws {
        try await withMockServer { server, _ in
            let store = try await Self.newStore("sqlite")
            let (status, _, json) = try await CLIChild.run([
                "reconcile", "--server", server.baseURL, "--protocol", "acp", "--api-key", testKey, "--store", store,
            ])
            #expect(status == 0, "\(json)")
            #expect(json["duplicates"] == .null)
            #expect(json["notes"]?.arrayValue?.isEmpty == false)
            let (usage, text, usageJSON) = try await CLIChild.run([
                "reconcile", "--server", server.baseURL, "--protocol", "acp", "--api-key", testKey, "--store", store,
                "--refund-duplicates",
            ])
            #expect(usage == 2, "\(usageJSON)")
            #expect(!text.contains(testKey))
        }
    }
}
