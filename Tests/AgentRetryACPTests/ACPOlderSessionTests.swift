import AgentRetry
import AgentRetryACP
import Foundation
import Testing

/// The sessions of every version's examples, read through the shape-independent accessors.
@Suite("CheckoutSession reads every released version's shapes")
struct ACPOlderSessionTests {
    static func session(_ version: ACPVersion, _ key: String) throws -> CheckoutSession {
        try CheckoutSession(acpJSON: try #require(try ACPExampleCatalog.checkout(version)[key]), path: "$")
    }

    @Test("2025-09-29: fulfillment_option_id, payment_provider, fulfillment_address, flat amounts")
    func v20250929() throws {
        let created = try Self.session(.v2025_09_29, "create_checkout_session_response")
        #expect(created.selectedFulfillmentOptionIDs == ["fulfillment_option_123"])
        #expect(created.selectedFulfillmentOptions.first?.kind == .shipping)
        #expect(created.paymentProvider == "stripe")
        #expect(created.paymentHandlerIDs.isEmpty)
        #expect(created.fulfillmentDetails?.address?.city == "San Francisco")
        #expect(created.fulfillmentDetails?.name == "John Doe")
        #expect(created.protocolVersion == nil)
        let updated = try Self.session(.v2025_09_29, "update_checkout_session_response")
        #expect(updated.selectedFulfillmentOptionIDs == ["fulfillment_option_456"])
        let completed = try Self.session(.v2025_09_29, "complete_checkout_session_response")
        #expect(completed.status == .completed)
        #expect(completed.order == nil, "the 2025-09-29 example carries no order")
        let line = try #require(completed.lineItems.first)
        #expect(line.totals.map(\.type) == [.itemsBaseAmount, .discount, .subtotal, .tax, .total])
        #expect(line.totals.last?.amount == 330)
        #expect(completed.fulfillmentOptions.first?.totals.first { $0.type == .total }?.amount == 100)
    }

    @Test("2025-12-12 and 2026-01-16: nested selections, payment_provider, the order")
    func nestedSelection() throws {
        for version in [ACPVersion.v2025_12_12, .v2026_01_16] {
            let created = try Self.session(version, "create_checkout_session_response")
            #expect(created.paymentProvider == "stripe", "\(version)")
            #expect(created.selectedFulfillmentOptionIDs == ["fulfillment_option_123"], "\(version)")
            #expect(created.selectedFulfillmentOptions.first?.itemIDs == ["item_123"], "\(version)")
            let updated = try Self.session(version, "update_checkout_session_response")
            #expect(updated.selectedFulfillmentOptionIDs == ["fulfillment_option_456"], "\(version)")
            #expect(updated.fulfillmentDetails?.address?.postalCode == "94131", "\(version)")
            #expect(updated.lineItems.first?.quantity == 1, "\(version): the item's quantity")
            let completed = try Self.session(version, "complete_checkout_session_response")
            #expect(completed.order?.id == "ord_abc123", "\(version)")
        }
        let options = try Self.session(.v2026_01_16, "get_checkout_session_response").fulfillmentOptions
        #expect(options.map { $0.totals.first?.amount } == [100, 500], "2026-01-16 options carry totals")
        let older = try Self.session(.v2025_12_12, "get_checkout_session_response").fulfillmentOptions
        #expect(older.map { $0.totals.first { $0.type == .total }?.amount } == [100, 500])
    }

    @Test("2026-01-30 and 2026-04-17: protocol.version, flat selections, handlers, the order")
    func paymentHandlers() throws {
        for version in [ACPVersion.v2026_01_30, .v2026_04_17] {
            let created = try Self.session(version, "create_checkout_session_response")
            #expect(created.protocolVersion == version)
            #expect(created.paymentProvider == nil)
            #expect(created.paymentHandlerIDs.contains("card_tokenized"), "\(version)")
            #expect(created.selectedFulfillmentOptionIDs == ["fulfillment_option_123"], "\(version)")
            #expect(created.fulfillmentDetails?.address?.city == "San Francisco")
            #expect(try Self.session(version, "complete_checkout_session_response").order?.id == "ord_abc123")
        }
    }
}
