import AgentRetry
import AgentRetryACP
import Foundation
import Testing

/// Every example request and response body of the ACP 2026-04-17 spec, through the models.
@Suite("ACP 2026-04-17 published examples round-trip through the models")
struct ACPExampleTests {
    /// Which model reads which published example.
    static let models: [String: any ACPObject.Type] = [
        "create_checkout_session_request": CheckoutSessionCreateRequest.self,
        "create_checkout_session_request_with_first_touch_attribution": CheckoutSessionCreateRequest.self,
        "create_checkout_session_response": CheckoutSession.self,
        "update_checkout_session_request": CheckoutSessionUpdateRequest.self,
        "update_checkout_session_response": CheckoutSession.self,
        "complete_checkout_session_request": CheckoutSessionCompleteRequest.self,
        "complete_checkout_session_request_seller_backed": CheckoutSessionCompleteRequest.self,
        "complete_checkout_session_request_with_last_touch_attribution": CheckoutSessionCompleteRequest.self,
        "complete_checkout_session_response": CheckoutSession.self,
        "get_checkout_session_response": CheckoutSession.self,
        "cancel_checkout_session_request": CheckoutSessionCancelRequest.self,
        "cancel_checkout_session_request_timing_deferred": CheckoutSessionCancelRequest.self,
        "cancel_checkout_session_response": CheckoutSession.self,
        "webhook_order_create_event": ACPWebhookEvent.self,
        "webhook_order_update_event": ACPWebhookEvent.self,
        "checkout_session_authentication_required": CheckoutSession.self,
        "complete_session_with_authentication_result_request": CheckoutSessionCompleteRequest.self,
        "authentication_result_example": AuthenticationResult.self,
        "authentication_result_denied_example": AuthenticationResult.self,
        "authentication_result_frictionless_example": AuthenticationResult.self,
        "complete_session_with_denied_authentication_request": CheckoutSessionCompleteRequest.self,
        "error_400_requires_3ds": ACPError.self,
        "error_400_invalid_item": ACPError.self,
        "checkout_session_with_out_of_stock": CheckoutSession.self,
        "checkout_session_with_payment_declined": CheckoutSession.self,
        "discovery_response_full": ACPDiscoveryResponse.self,
        "discovery_response_minimal": ACPDiscoveryResponse.self,
        "error_400_idempotency_key_required": ACPError.self,
        "error_422_idempotency_conflict": ACPError.self,
        "error_409_idempotency_in_flight": ACPError.self,
        "create_multi_item_checkout_request": CheckoutSessionCreateRequest.self,
        "create_multi_item_checkout_response": CheckoutSession.self,
    ]

    static func examples() throws -> [String: JSONValue] {
        var all: [String: JSONValue] = [:]
        for name in ["examples.agentic_checkout", "examples.multi_item_checkout"] {
            let url = try #require(
                Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "acp-2026-04-17-examples")
            )
            let members = try #require(try JSONValue(parsing: [UInt8](Data(contentsOf: url))).objectValue)
            all.merge(members) { first, _ in first }
        }
        return all
    }

    @Test("Every published example has a model")
    func everyExampleIsCovered() throws {
        #expect(Set(try Self.examples().keys) == Set(Self.models.keys))
    }

    @Test("Decoding then encoding gives every example back, member for member", arguments: models.keys.sorted())
    func roundTrip(_ name: String) throws {
        let example = try #require(try Self.examples()[name])
        let model = try #require(Self.models[name])
        let bytes = example.serialized()
        // Through Codable, the way an app decodes a body.
        let decoded = try JSONDecoder().decode(model, from: Data(bytes))
        let encoded = try JSONValue(parsing: [UInt8](try JSONEncoder().encode(decoded)))
        #expect(encoded == example)
        #expect(try encoded.canonicalized() == example.canonicalized())
    }

    @Test("Typed fields read what the examples say")
    func typedFields() throws {
        let examples = try Self.examples()
        let completed = try CheckoutSession(
            acpJSON: try #require(examples["complete_checkout_session_response"]),
            path: "$"
        )
        #expect(completed.status == .completed)
        #expect(completed.order?.id.isEmpty == false)
        #expect(completed.totalAmount != nil)
        #expect(completed.lineItems.first?.item.id == "item_123")
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
}
