import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer
import Testing

/// The checkout task against merchants as they are: every version, the three merchant profiles,
/// negotiation, errors read by their code.
@Suite("Checkout against merchants as they are")
struct CheckoutNegotiationTests {
    static func mock(
        _ profile: MerchantProfile,
        versions: [String],
        discovery: Bool? = nil
    ) -> MockPaymentServer.Configuration {
        var configuration = MockPaymentServer.Configuration()
        configuration.merchantProfile = profile
        configuration.acpVersions = versions
        configuration.servesDiscovery = discovery
        return configuration
    }

    /// How many creates reached the merchant.
    static func creates(_ server: MockPaymentServer) -> Int {
        server.journal.filter { $0.method == "POST" && $0.path == "/checkout_sessions" }.count
    }

    @Test(
        "Every version × every profile: completed, one order, the version kept; the re-run sends nothing",
        arguments: MerchantProfile.allCases,
        ["2025-09-29", "2025-12-12", "2026-01-16", "2026-01-30", "2026-04-17"]
    )
    func everyVersionAndProfile(_ profile: MerchantProfile, _ version: String) async throws {
        try await withMockServer(Self.mock(profile, versions: [version])) { server, transport in
            let path = CLIChild.storePath()
            let task = try await makeCheckoutTask(server, transport, store: path)
            let outcome = try await task.run(taskID: "v-\(version)", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
            // A merchant that ignores API-Version tells the version by its shape only: the newest
            // version of the accepted shape's family.
            if profile == .fastapi {
                #expect(outcome.apiVersion?.family == ACPVersion(rawValue: version).family)
            } else {
                #expect(outcome.apiVersion == ACPVersion(rawValue: version))
            }
            #expect(server.orders.count == 1)
            let requests = server.journal.count
            let again = try await task.run(taskID: "v-\(version)", cart: testCart, paymentToken: "spt_test_success")
            #expect(again.status == .completed)
            #expect(again.orderID == outcome.orderID)
            #expect(server.journal.count == requests, "a completed task sends nothing")
            // The next task speaks the kept version at once: one create, no negotiation.
            let creates = Self.creates(server)
            let next = try await makeCheckoutTask(server, transport, store: path)
            let other = try await next.run(taskID: "w-\(version)", cart: testCart, paymentToken: "spt_test_success")
            #expect(other.status == .completed)
            #expect(Self.creates(server) == creates + 1)
            #expect(server.orders.count == 2)
        }
    }

    @Test("400 with supported_versions: completed after one negotiation")
    func supportedVersions() async throws {
        try await withMockServer(Self.mock(.spec, versions: ["2026-01-16"], discovery: false)) { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let outcome = try await task.run(taskID: "neg", cart: testCart, paymentToken: "spt_test_success")
            #expect(outcome.status == .completed)
            #expect(outcome.apiVersion == .v2026_01_16)
            #expect(Self.creates(server) == 2)
            #expect(server.orders.count == 1)
        }
    }

    @Test("An override wins; a version the merchant does not speak is unsupported_version with both sides")
    func override() async throws {
        try await withMockServer(Self.mock(.spec, versions: ["2025-09-29"])) { server, transport in
            let pinned = try await makeCheckoutTask(
                server,
                transport,
                configuration: .init(
                    settleDeadline: .seconds(10),
                    pollInterval: .milliseconds(50),
                    acpVersion: .v2025_09_29
                )
            )
            let paid = try await pinned.run(taskID: "pin", cart: testCart, paymentToken: "spt_test_success")
            #expect(paid.status == .completed)
            #expect(paid.apiVersion == .v2025_09_29)
            let wrong = try await makeCheckoutTask(
                server,
                transport,
                configuration: .init(settleDeadline: .seconds(10), pollInterval: .milliseconds(50), acpVersion: .latest)
            )
            let refused = try await wrong.run(taskID: "pin-wrong", cart: testCart, paymentToken: "spt_test_success")
            #expect(refused.status == .unsupportedVersion)
            #expect(refused.versionMismatch?.merchantVersions == [.v2025_09_29])
            #expect(refused.versionMismatch?.attempts.map(\.version) == [.latest])
            #expect(server.orders.count == 1)
        }
    }

    @Test("A probed create whose answer was lost and then got a 503 is resumed, never re-created in an older version")
    func lostThen503() async throws {
        var configuration = Self.mock(.spec, versions: MockPaymentServer.releasedACPVersions, discovery: false)
        configuration.faults = [
            FaultRule(method: "POST", path: "/checkout_sessions", action: .dropAfterCommit, count: 1),
            FaultRule(
                method: "POST",
                path: "/checkout_sessions",
                action: .statusBefore(status: 503, retryAfter: nil),
                count: 1
            ),
        ]
        try await withMockServer(configuration) { server, transport in
            let task = try await makeCheckoutTask(server, transport)
            let outcome = try await task.run(taskID: "lost-503", cart: testCart, paymentToken: "spt_test_success")
            // The dropped create opened a session: a create in another version (another key) would
            // open a second one, which another invocation could pay as well.
            #expect(server.checkoutSessionsByTask["lost-503"]?.count == 1)
            #expect(outcome.status == .completed, "\(outcome.reason ?? "")")
            #expect(outcome.apiVersion == .latest)
            #expect(server.orders.count == 1)
        }
    }

    @Test("Two invocations of one task under two secrets, each met by a 5xx it takes for a version answer: one session")
    func concurrentNegotiations() async throws {
        var configuration = Self.mock(.spec, versions: MockPaymentServer.releasedACPVersions, discovery: false)
        configuration.faults = [
            FaultRule(
                method: "POST",
                path: "/checkout_sessions",
                action: .statusBefore(status: 503, retryAfter: nil),
                count: 2
            ),
            FaultRule(method: "POST", path: "/checkout_sessions", action: .latency(milliseconds: 300), count: 4),
        ]
        try await withMockServer(configuration) { server, transport in
            let path = CLIChild.storePath()
            let first = try await makeCheckoutTask(server, transport, store: path, secret: "one-secret-0123456789abcd")
            let second = try await makeCheckoutTask(server, transport, store: path, secret: "two-secret-0123456789abcd")
            async let one = Self.runAgainWhileElsewhere(first, taskID: "twice")
            async let two = Self.runAgainWhileElsewhere(second, taskID: "twice")
            let outcomes = try await [one, two]
            #expect(server.checkoutSessionsByTask["twice"]?.count == 1)
            #expect(server.orders.count == 1)
            #expect(outcomes.allSatisfy { $0.status == .completed || $0.status == .pending })
        }
    }

    /// Runs `task`; one that meets another invocation's lock for longer than its lease wait ends
    /// in_progress_elsewhere and is run again, as an orchestrator would.
    static func runAgainWhileElsewhere(_ task: CheckoutTask, taskID: String) async throws -> CheckoutOutcome {
        for _ in 0..<10 {
            do {
                return try await task.run(taskID: taskID, cart: testCart, paymentToken: "spt_test_success")
            } catch {
                guard error.code == .inProgressElsewhere else { throw error }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await task.run(taskID: taskID, cart: testCart, paymentToken: "spt_test_success")
    }

    @Test("An acpVersion that is not a date is invalidConfiguration, and nothing is sent")
    func malformedOverride() async throws {
        try await withMockServer(Self.mock(.spec, versions: MockPaymentServer.releasedACPVersions)) {
            server,
            transport in
            let task = try await makeCheckoutTask(
                server,
                transport,
                configuration: .init(acpVersion: ACPVersion(rawValue: "latest\r\nX-Evil: 1"))
            )
            let error = await #expect(throws: CheckoutTaskError.self) {
                try await task.run(taskID: "bad-version", cart: testCart, paymentToken: "spt_test_success")
            }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.message.contains("X-Evil") == false)
            #expect(server.journal.isEmpty)
        }
    }

    @Test(
        "An unknown or sold-out item is needs_input with the merchant's code, never a conflict",
        arguments: [(MerchantProfile.fastapi, "item_unknown"), (.fastapi, "item_hoodie"), (.plain, "item_unknown")]
    )
    func itemRefusals(_ profile: MerchantProfile, _ item: String) async throws {
        try await withMockServer(Self.mock(profile, versions: MockPaymentServer.releasedACPVersions)) {
            server,
            transport in
            let task = try await makeCheckoutTask(server, transport)
            let cart = CheckoutCart(
                currency: "usd",
                lines: [.init(id: item)],
                buyer: testCart.buyer,
                fulfillmentDetails: testCart.fulfillmentDetails
            )
            let outcome = try await task.run(taskID: "item-\(item)", cart: cart, paymentToken: "spt_test_success")
            #expect(outcome.status == .needsInput, "\(outcome.reason ?? "")")
            #expect(server.orders.isEmpty)
            let again = try await task.run(taskID: "item-\(item)", cart: cart, paymentToken: "spt_test_success")
            #expect(again.status == .needsInput)
        }
    }
}
