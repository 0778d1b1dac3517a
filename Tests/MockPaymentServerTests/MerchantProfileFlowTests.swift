import AgentRetry
import MockPaymentServer
import Testing

/// A whole checkout in every version under every profile, each in that version's own shapes.
@Suite("Every ACP version under every merchant profile")
struct MerchantProfileFlowTests {
    static let cases: [(MerchantProfile, String)] = MerchantProfile.allCases.flatMap { profile in
        MockPaymentServer.releasedACPVersions.map { (profile, $0) }
    }

    @Test("create → update → update → complete ends in exactly one order in the ledger", arguments: Self.cases)
    func checkout(profile: MerchantProfile, version: String) async throws {
        let bodies = VersionedACPBodies(version: version)
        let header = versionHeader(version, for: profile)
        // A merchant that ignores API-Version speaks one version: the shape cannot tell 2026-01-30
        // from 2026-04-17.
        let versions = profile == .fastapi ? [version] : MockPaymentServer.releasedACPVersions
        try await withMockServer(merchantConfiguration(profile, versions: versions)) { server, transport in
            let post = { (path: String, body: String, key: String) in
                try await transport.execute(acpPost(server, path, body, key: key, version: header))
            }
            let created = try await post("/checkout_sessions", bodies.create(), "c")
            #expect(created.status == 201, "\(created.bodyText)")
            #expect(created.json["status"] == "not_ready_for_payment")
            let id = try #require(created.json["id"]?.stringValue)
            let addressed = try await post("/checkout_sessions/\(id)", bodies.updateAddress(), "u1")
            #expect(addressed.status == 200, "\(addressed.bodyText)")
            #expect(addressed.json["status"] == "ready_for_payment")
            let express = try await post("/checkout_sessions/\(id)", bodies.selectExpress(), "u2")
            #expect(express.status == 200, "\(express.bodyText)")
            let completed = try await post("/checkout_sessions/\(id)/complete", bodies.complete(), "p")
            #expect(completed.status == 200, "\(completed.bodyText)")
            #expect(completed.json["status"] == "completed")
            let orderID = try #require(completed.json["order"]?["id"]?.stringValue)
            #expect(Self.versionMembersPresent(completed.json, version: version))

            let again = try await post("/checkout_sessions/\(id)/complete", bodies.complete(), "p")
            #expect(again.json["order"]?["id"]?.stringValue == orderID)
            let orders = server.ledger.filter { $0.kind == "order" }
            #expect(orders.count == 1)
            #expect(orders.first?.id == orderID)
            #expect(orders.first?.checkoutSessionID == id)
            // 2500 goods + 1500 express, 8.75% tax.
            #expect(orders.first?.amount == 4000 + 350)
            #expect(orders.first?.taskID == (version >= "2026-01-30" ? "task-1" : nil))
        }
    }

    /// The answer is in the version's own shape: `fulfillment_address` and `fulfillment_option_id`
    /// in 2025-09-29, nested selected options up to 2026-01-16, `protocol.version` after.
    static func versionMembersPresent(_ session: JSONValue, version: String) -> Bool {
        switch version {
        case "2025-09-29":
            session["fulfillment_option_id"] == "ship_express" && session["fulfillment_address"] != nil
                && session["payment_provider"] != nil
        case "2025-12-12", "2026-01-16":
            session["selected_fulfillment_options"]?.arrayValue?.first?["shipping"]?["option_id"] == "ship_express"
                && session["payment_provider"] != nil
        default:
            session["protocol"]?["version"]?.stringValue == version
                && session["selected_fulfillment_options"]?.arrayValue?.first?["option_id"] == "ship_express"
        }
    }
}
