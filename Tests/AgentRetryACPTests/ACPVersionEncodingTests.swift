import AgentRetry
import AgentRetryACP
import Foundation
import Testing

@Suite("encoded(for:): each version's request shapes")
struct ACPVersionEncodingTests {
    typealias Fixtures = ACPRequestFixtures

    @Test("2025-09-29 create: items with quantities, a flat fulfillment_address, nothing else")
    func create20250929() {
        let wire = Fixtures.create.encoded(for: .v2025_09_29)
        let expected: JSONValue = [
            "items": [["id": "item_b", "quantity": 2], ["id": "item_a", "quantity": 1]],
            "buyer": ["email": "jane@example.com", "first_name": "Jane", "last_name": "Q Doe"],
            "fulfillment_address": [
                "name": "Jane Q Doe", "line_one": "1 Main St", "line_two": "Apt 2", "city": "Springfield",
                "state": "IL", "country": "US", "postal_code": "62701",
            ],
        ]
        #expect(wire == expected)
    }

    @Test("2025-12-12 and 2026-01-16 create: items, fulfillment_details, affiliate_attribution kept")
    func createNested() {
        var request = Fixtures.create
        request.members["x_unknown"] = true
        for version in [ACPVersion.v2025_12_12, .v2026_01_16] {
            let wire = request.encoded(for: version)
            #expect(
                Set(wire.objectValue?.keys ?? [:].keys) == [
                    "items", "buyer", "fulfillment_details", "affiliate_attribution",
                ]
            )
            #expect(wire["fulfillment_details"]?["name"] == "Jane Q Doe")
            #expect(wire["fulfillment_details"]?["address"]?["company"] == nil)
            #expect(wire["fulfillment_details"]?["address"]?["name"] == "", "only 2025-09-29 fills the name in")
        }
    }

    @Test("Updates: fulfillment_option_id in 2025-09-29, nested selections in 2025-12-12 and 2026-01-16")
    func updates() {
        let old = Fixtures.update.encoded(for: .v2025_09_29)
        #expect(old["fulfillment_option_id"] == "ship_fast")
        #expect(old["items"] == [["id": "item_a", "quantity": 2]])
        #expect(old["selected_fulfillment_options"] == nil && old["order_notes"] == nil)
        let nested = Fixtures.update.encoded(for: .v2026_01_16)
        #expect(
            nested["selected_fulfillment_options"]
                == [["type": "shipping", "shipping": ["option_id": "ship_fast", "item_ids": ["line_1", "line_2"]]]]
        )
        var clearing = CheckoutSessionUpdateRequest()
        clearing.setNull("fulfillment_details")
        #expect(clearing.encoded(for: .v2025_09_29) == ["fulfillment_address": .null])
        #expect(clearing.encoded(for: .v2025_12_12) == ["fulfillment_details": .null])
    }

    @Test("Complete in the token families: {token, provider} with the session's provider, stripe by default")
    func completeToken() {
        let wire = Fixtures.complete.encoded(for: .v2025_12_12, session: Fixtures.session(provider: "adyen"))
        #expect(wire["payment_data"]?["token"] == "spt_test_1")
        #expect(wire["payment_data"]?["provider"] == "adyen")
        #expect(wire["payment_data"]?["handler_id"] == nil && wire["payment_data"]?["instrument"] == nil)
        #expect(wire["payment_data"]?["billing_address"]?["company"] == nil)
        #expect(wire["authentication_result"]?["outcome"] == "authenticated")
        #expect(wire["risk_signals"] == nil && wire["marketing_consents"] == nil && wire["order_notes"] == nil)
        let old = Fixtures.complete.encoded(for: .v2025_09_29, session: nil)
        #expect(old["payment_data"]?["provider"] == "stripe")
        #expect(Set(old.objectValue?.keys ?? [:].keys) == ["payment_data", "buyer"])
    }

    @Test("The handler family: 2026-04-17 as it is, 2026-01-30 without what 2026-04-17 added")
    func handlerFamily() {
        #expect(Fixtures.create.encoded(for: .v2026_04_17) == Fixtures.create.acpJSON)
        #expect(Fixtures.create.encoded(for: "2027-06-01") == Fixtures.create.acpJSON)
        let create = Fixtures.create.encoded(for: .v2026_01_30)
        #expect(create["order_notes"] == nil)
        #expect(create["currency"] == "usd" && create["metadata"] == ["task_id": "task_1"])
        #expect(create["fulfillment_details"]?["address"]?["company"] == nil)
        let complete = Fixtures.complete.encoded(for: .v2026_01_30, session: nil)
        #expect(complete["marketing_consents"] == nil && complete["order_notes"] == nil)
        #expect(complete["payment_data"]?["handler_id"] == "card_tokenized")
        #expect(complete["risk_signals"] != nil)
    }

    @Test("The encoding is deterministic: the same request and version give the same bytes")
    func deterministic() throws {
        for version in ACPVersion.released {
            let first = try Fixtures.create.encoded(for: version).canonicalized()
            var reordered = CheckoutSessionCreateRequest(uncheckedMembers: [:])
            for (name, value) in Fixtures.create.members.sorted(by: { $0.key > $1.key }) {
                reordered.members[name] = value
            }
            #expect(try reordered.encoded(for: version).canonicalized() == first)
            #expect(try Fixtures.create.encoded(for: version).canonicalized() == first)
        }
    }
}
