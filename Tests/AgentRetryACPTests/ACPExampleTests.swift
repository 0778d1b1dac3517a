import AgentRetry
import AgentRetryACP
import Foundation
import Testing

/// Every example request, session, error and order of every released ACP version, through the models.
@Suite("ACP published examples of every released version round-trip through the models")
struct ACPExampleTests {
    static let entries: [ACPExampleCatalog.Entry] = (try? ACPExampleCatalog.load().entries) ?? []

    @Test("Every checkout example of every version has a model, and every version has examples")
    func everyExampleIsCovered() throws {
        let (entries, unread) = try ACPExampleCatalog.load()
        #expect(unread.isEmpty, "examples no model reads: \(unread)")
        for version in ACPExampleCatalog.versions {
            let ofVersion = entries.filter { $0.name.hasPrefix(version + "/") }
            #expect(ofVersion.contains { $0.model == CheckoutSessionCreateRequest.self }, "\(version)")
            #expect(ofVersion.contains { $0.model == CheckoutSessionCompleteRequest.self }, "\(version)")
            #expect(ofVersion.contains { $0.model == CheckoutSession.self }, "\(version)")
            #expect(ofVersion.contains { $0.model == ACPError.self }, "\(version)")
        }
        #expect(entries.count > 150, "the catalog read \(entries.count) examples")
        #expect(entries.contains { $0.name.contains("/orders/") })
        #expect(entries.contains { $0.name.contains("/discount-extension/") })
    }

    @Test("Decoding then encoding gives every example back, member for member", arguments: entries)
    func roundTrip(_ entry: ACPExampleCatalog.Entry) throws {
        // Through Codable, the way an app decodes a body.
        let decoded = try JSONDecoder().decode(entry.model, from: Data(entry.json.serialized()))
        let encoded = try JSONValue(parsing: [UInt8](try JSONEncoder().encode(decoded)))
        #expect(encoded == entry.json)
        #expect(try encoded.canonicalized() == entry.json.canonicalized())
    }

    @Test("Typed fields read what the 2026-04-17 examples say")
    func typedFields() throws {
        let examples = try ACPExampleCatalog.checkout(.v2026_04_17)
        let completed = try CheckoutSession(
            acpJSON: try #require(examples["complete_checkout_session_response"]),
            path: "$"
        )
        #expect(completed.status == .completed)
        #expect(completed.order?.id.isEmpty == false)
        #expect(completed.totalAmount != nil)
        #expect(completed.lineItems.first?.item.id == "item_123")
        #expect(completed.protocolVersion == .v2026_04_17)
        let declined = try CheckoutSession(
            acpJSON: try #require(examples["checkout_session_with_payment_declined"]),
            path: "$"
        )
        #expect(declined.errorMessages.map(\.code) == [.paymentDeclined])
        #expect(declined.status == .readyForPayment)
        let conflict = try ACPError(acpJSON: try #require(examples["error_422_idempotency_conflict"]), path: "$")
        #expect(conflict.type == .invalidRequest)
        #expect(conflict.code == "idempotency_conflict")
        let complete = try CheckoutSessionCompleteRequest(
            acpJSON: try #require(examples["complete_checkout_session_request"]),
            path: "$"
        )
        #expect(complete.paymentData?.token == "spt_123")
        #expect(!complete.description.contains("spt_123"), "a printed request never shows the credential")
    }

    @Test("An older version's complete request reads its token and provider, and never prints the token")
    func olderCompleteRequest() throws {
        let examples = try ACPExampleCatalog.checkout(.v2025_09_29)
        let complete = try CheckoutSessionCompleteRequest(
            acpJSON: try #require(examples["complete_checkout_session_request"]),
            path: "$"
        )
        #expect(complete.paymentData?.token == "spt_123")
        #expect(complete.paymentData?.provider == "stripe")
        #expect(!complete.description.contains("spt_123"))
        let create = try CheckoutSessionCreateRequest(
            acpJSON: try #require(examples["create_checkout_session_request"]),
            path: "$"
        )
        #expect(create.lineItems.isEmpty, "2025-09-29 has `items`, not `line_items`")
        #expect(create.members["items"]?.arrayValue?.first?["id"] == "item_123")
    }
}
