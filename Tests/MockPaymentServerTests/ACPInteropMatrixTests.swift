import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// Every ACP version × every merchant profile × the crash points, with real `agent-retry checkout`
/// child processes SIGKILLed at the point and run again: each task ends completed with exactly one
/// order in the ledger and one session, and none ends `conflict`.
@Suite("ACP interop: every version × every merchant profile × crash points", .serialized)
struct ACPInteropMatrixTests {
    /// Where the first invocation is killed: after create's successful response (after any refused
    /// versions), mid-complete (persisted, not yet sent) and after the anchor is kept.
    static let crashPoints = ["after-2xx:create", "after-persist:complete", "anchored"]

    static var cases: [(ACPVersion, MerchantProfile)] {
        ACPVersion.released.flatMap { version in MerchantProfile.allCases.map { (version, $0) } }
    }

    static func merchant(speaking version: ACPVersion, as profile: MerchantProfile) -> MockPaymentServer.Configuration {
        var configuration = MockPaymentServer.Configuration()
        configuration.acpVersions = [version.rawValue]
        configuration.merchantProfile = profile
        return configuration
    }

    static func checkout(
        _ server: MockPaymentServer,
        store: String,
        task: String,
        cart: String,
        pauseAt: String? = nil
    ) throws -> CLIChild {
        try CLIChild.checkout(server: server.baseURL, store: store, task: task, cart: cart, pauseAt: pauseAt)
    }

    /// Sessions the merchant created: the 2xx answers to create.
    static func sessionsCreated(_ server: MockPaymentServer) -> Int {
        server.journal.filter { entry in
            entry.method == "POST" && entry.path.hasSuffix("/checkout_sessions")
                && (200..<300).contains(entry.status ?? 0) && !entry.replayed
        }.count
    }

    @Test("Killed at each crash point and run again: completed, one order, one session", arguments: Self.cases)
    func killedAndRerun(version: ACPVersion, profile: MerchantProfile) async throws {
        try await withMockServer(Self.merchant(speaking: version, as: profile)) { server, _ in
            for point in Self.crashPoints {
                server.reset()
                let store = CLIChild.storePath()
                let cart = try CheckoutCLITests.cartFile()
                let first = try Self.checkout(server, store: store, task: "matrix", cart: cart, pauseAt: point)
                let paused = await first.waitForPause()
                #expect(paused.contains("paused: \(point)"), "\(version) \(profile) \(point): \(paused)")
                try await first.kill()
                try await Task.sleep(for: .milliseconds(3100))
                let (status, json) = try await Self.checkout(server, store: store, task: "matrix", cart: cart).finish()
                let label = "\(version) \(profile) \(point): \(json)"
                #expect(status == 0, "\(label)")
                #expect(json["status"] == "completed", "\(label)")
                // A merchant that ignores API-Version (fastapi) tells the version by the shape only: the
                // task speaks the newest version of the shape it accepted.
                let spoken = json["api_version"]?.stringValue.map(ACPVersion.init(rawValue:))
                if profile == .fastapi {
                    #expect(spoken?.family == version.family, "\(label)")
                } else {
                    #expect(spoken == version, "\(label)")
                }
                #expect(server.orders.count == 1, "\(label)")
                #expect(server.orders.first?.id == json["order_id"]?.stringValue, "\(label)")
                #expect(Self.sessionsCreated(server) == 1, "\(label)")
            }
        }
    }

    @Test("Out of stock under every profile is needs_input, never conflict", arguments: MerchantProfile.allCases)
    func outOfStock(profile: MerchantProfile) async throws {
        try await withMockServer(Self.merchant(speaking: .latest, as: profile)) { server, _ in
            var cart = testCart
            cart.members["line_items"] = [["id": "item_hoodie", "quantity": 1]]
            cart.members["payment_token"] = "spt_test_success"
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("oos-\(UUID()).json").path
            try Data(cart.acpJSON.serialized()).write(to: URL(fileURLWithPath: path))
            let store = CLIChild.storePath()
            let (status, json) = try await Self.checkout(server, store: store, task: "oos", cart: path).finish()
            #expect(status == 11, "\(profile): \(json)")
            #expect(json["status"] == "needs_input", "\(profile): \(json)")
            #expect(server.orders.isEmpty)
        }
    }

    @Test(
        "An unknown item under every profile is needs_input with the merchant's code",
        arguments: MerchantProfile.allCases
    )
    func unknownItem(profile: MerchantProfile) async throws {
        try await withMockServer(Self.merchant(speaking: .latest, as: profile)) { server, _ in
            var cart = testCart
            cart.members["line_items"] = [["id": "item_unicorn", "quantity": 1]]
            cart.members["payment_token"] = "spt_test_success"
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("unk-\(UUID()).json").path
            try Data(cart.acpJSON.serialized()).write(to: URL(fileURLWithPath: path))
            let store = CLIChild.storePath()
            let (status, json) = try await Self.checkout(server, store: store, task: "unknown", cart: path).finish()
            #expect(status == 11, "\(profile): \(json)")
            #expect(json["status"] == "needs_input", "\(profile): \(json)")
            #expect(json["rejection"]?["code"]?.stringValue != nil, "\(profile): \(json)")
            #expect(server.orders.isEmpty)
        }
    }
}

/// The negotiation cases of issue 13's "done when", with real child processes.
@Suite("ACP version negotiation against merchants that say little", .serialized)
struct ACPNegotiationCLITests {
    static func merchant(
        _ versions: [ACPVersion],
        _ profile: MerchantProfile,
        discovery: Bool? = nil
    ) -> MockPaymentServer.Configuration {
        var configuration = MockPaymentServer.Configuration()
        configuration.acpVersions = versions.map(\.rawValue)
        configuration.merchantProfile = profile
        configuration.servesDiscovery = discovery
        return configuration
    }

    static func run(
        _ server: MockPaymentServer,
        store: String,
        task: String,
        extra: [String] = []
    ) async throws -> (
        Int32, JSONValue
    ) {
        let cart = try CheckoutCLITests.cartFile()
        return try await CLIChild.start(
            [
                "checkout", "--server", server.baseURL, "--api-key", testKey, "--store", store, "--task-id", task,
                "--cart", cart, "--lease-seconds", "15", "--settle-seconds", "5",
            ] + extra
        ).finish()
    }

    @Test("fastapi speaking only 2025-09-29 (API-Version ignored): completes with no flag, in 2025-09-29")
    func fastAPIOldestOnly() async throws {
        try await withMockServer(Self.merchant([.v2025_09_29], .fastapi)) { server, _ in
            let store = CLIChild.storePath()
            let (status, json) = try await Self.run(server, store: store, task: "old")
            #expect(status == 0, "\(json)")
            #expect(json["api_version"] == "2025-09-29")
            #expect(server.orders.count == 1)
            // The next task at this merchant does not negotiate again: its first create is in 2025-09-29.
            let before = server.journal.count
            let (again, second) = try await Self.run(server, store: store, task: "old-2")
            #expect(again == 0, "\(second)")
            let creates = server.journal.dropFirst(before).filter { $0.path.hasSuffix("/checkout_sessions") }
            #expect(creates.count == 1, "\(creates)")
            #expect(server.orders.count == 2)
        }
    }

    @Test("plain answering the newest version with 500 text/plain: completes with no flag, one try per version")
    func plainFiveHundred() async throws {
        try await withMockServer(Self.merchant([.v2025_12_12], .plain)) { server, _ in
            let (status, json) = try await Self.run(server, store: CLIChild.storePath(), task: "plain")
            #expect(status == 0, "\(json)")
            #expect(json["api_version"] == "2025-12-12")
            #expect(server.orders.count == 1)
            let fiveHundreds = server.journal.filter { $0.status == 500 }
            // 2026-04-17, 2026-01-30 and 2026-01-16 each get a 500, re-sent once under the same key.
            #expect(fiveHundreds.count == 6, "\(fiveHundreds)")
        }
    }

    @Test("spec answering a wrong version with 400 + supported_versions: one negotiation, survives a SIGKILL")
    func supportedVersionsThenKill() async throws {
        try await withMockServer(Self.merchant([.v2026_01_16], .spec, discovery: false)) { server, _ in
            let store = CLIChild.storePath()
            let cart = try CheckoutCLITests.cartFile()
            let first = try CLIChild.start(
                [
                    "checkout", "--server", server.baseURL, "--api-key", testKey, "--store", store, "--task-id", "neg",
                    "--cart", cart, "--lease-seconds", "15", "--settle-seconds", "5",
                ],
                pauseAt: "anchored"
            )
            #expect(await first.waitForPause().contains("paused: anchored"))
            try await first.kill()
            let refusals = server.journal.filter { $0.status == 400 }
            #expect(refusals.count == 1, "\(refusals)")
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await Self.run(server, store: store, task: "neg")
            #expect(status == 0, "\(json)")
            #expect(json["api_version"] == "2026-01-16")
            #expect(server.orders.count == 1)
            #expect(server.journal.filter { $0.status == 400 }.count == 1)
        }
    }

    /// The creates the merchant was sent, in order.
    static func creates(_ server: MockPaymentServer) -> [JournalEntry] {
        server.journal.filter { $0.method == "POST" && $0.path.hasSuffix("/checkout_sessions") }
    }

    @Test("spec serving discovery: the first create is in the merchant's version, with no refusal")
    func discoveryFirst() async throws {
        try await withMockServer(Self.merchant([.v2025_12_12, .v2025_09_29], .spec)) { server, _ in
            let (status, json) = try await Self.run(server, store: CLIChild.storePath(), task: "disc")
            #expect(status == 0, "\(json)")
            #expect(json["api_version"] == "2025-12-12")
            #expect(Self.creates(server).map(\.status) == [201])
            #expect(server.journal.contains { $0.path == "/.well-known/acp.json" && $0.status == 200 })
        }
    }

    @Test("The anchored version wins over a re-run's --acp-version")
    func anchoredVersionWins() async throws {
        try await withMockServer(Self.merchant(ACPVersion.released, .spec)) { server, _ in
            let store = CLIChild.storePath()
            let cart = try CheckoutCLITests.cartFile()
            let first = try CLIChild.start(
                [
                    "checkout", "--server", server.baseURL, "--api-key", testKey, "--store", store, "--task-id", "pin",
                    "--cart", cart, "--lease-seconds", "15", "--acp-version", "2025-12-12",
                ],
                pauseAt: "anchored"
            )
            #expect(await first.waitForPause().contains("paused: anchored"))
            try await first.kill()
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await Self.run(
                server,
                store: store,
                task: "pin",
                extra: ["--acp-version", "2026-04-17"]
            )
            #expect(status == 0, "\(json)")
            #expect(json["api_version"] == "2025-12-12")
            #expect(Self.creates(server).count == 1)
            #expect(server.orders.count == 1)
        }
    }

    @Test("A create of unknown outcome is resumed in its own version before anything else")
    func unfinishedCreateResumedFirst() async throws {
        try await withMockServer(Self.merchant(ACPVersion.released, .spec)) { server, _ in
            let store = CLIChild.storePath()
            let cart = try CheckoutCLITests.cartFile()
            // Killed once the create's response arrived but before its outcome was written: the record
            // is in flight, and the merchant has opened the session.
            let first = try CLIChild.start(
                [
                    "checkout", "--server", server.baseURL, "--api-key", testKey, "--store", store, "--task-id", "res",
                    "--cart", cart, "--lease-seconds", "15", "--acp-version", "2025-12-12",
                ],
                pauseAt: "after-2xx:create"
            )
            #expect(await first.waitForPause().contains("paused: after-2xx:create"))
            try await first.kill()
            try await Task.sleep(for: .milliseconds(3100))
            let (status, json) = try await Self.run(
                server,
                store: store,
                task: "res",
                extra: ["--acp-version", "2026-04-17"]
            )
            #expect(status == 0, "\(json)")
            #expect(json["api_version"] == "2025-12-12")
            #expect(Self.creates(server).filter { !$0.replayed }.count == 1, "\(Self.creates(server))")
            #expect(server.orders.count == 1)
        }
    }

    @Test("No shared version: unsupported_version (13) with what each side speaks")
    func noSharedVersion() async throws {
        try await withMockServer(Self.merchant([.v2026_01_30], .spec, discovery: false)) { server, _ in
            let (status, json) = try await Self.run(
                server,
                store: CLIChild.storePath(),
                task: "none",
                extra: ["--acp-version", "2025-09-29"]
            )
            // An override is obeyed: the merchant refuses it, and the report says what it speaks.
            #expect(status == 13, "\(json)")
            #expect(json["status"] == "unsupported_version")
            #expect(json["versions"]?["merchant"] == ["2026-01-30"])
            #expect(server.orders.isEmpty)
        }
    }
}
