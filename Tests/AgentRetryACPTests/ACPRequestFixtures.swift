import AgentRetry
import AgentRetryACP

/// Representative 2026-04-17 requests that use every member `encoded(for:)` maps or drops.
enum ACPRequestFixtures {
    static let address = ACPAddress(
        uncheckedMembers: [
            "name": "", "line_one": "1 Main St", "line_two": "Apt 2", "city": "Springfield", "state": "IL",
            "country": "US", "postal_code": "62701", "company": "Acme",
        ]
    )

    static let details = FulfillmentDetails(
        uncheckedMembers: [
            "name": "Jane Q Doe", "email": "jane@example.com", "phone_number": "15551234567",
            "address": address.acpJSON,
        ]
    )

    static let buyer = ACPBuyer(uncheckedMembers: ["email": "jane@example.com", "full_name": "Jane Q Doe"])

    static var create: CheckoutSessionCreateRequest {
        var request = CheckoutSessionCreateRequest(
            lineItems: [ACPItem(id: "item_b"), ACPItem(id: "item_a"), ACPItem(id: "item_b", name: "Mug")],
            currency: "usd",
            buyer: buyer,
            fulfillmentDetails: details,
            metadata: ["task_id": "task_1"]
        )
        request.members["order_notes"] = "Leave at the door"
        request.members["affiliate_attribution"] = [
            "provider": "impact.com", "publisher_id": "pub_1", "touchpoint": "first",
        ]
        return request
    }

    static var update: CheckoutSessionUpdateRequest {
        var request = CheckoutSessionUpdateRequest(
            lineItems: [ACPItem(id: "item_a"), ACPItem(id: "item_a")],
            buyer: buyer,
            fulfillmentDetails: details,
            selectedFulfillmentOptions: [
                SelectedFulfillmentOption(kind: .shipping, optionID: "ship_fast", itemIDs: ["line_1", "line_2"])
            ]
        )
        request.members["order_notes"] = "Ring twice"
        return request
    }

    static var complete: CheckoutSessionCompleteRequest {
        var billing = address
        billing.name = "Jane Doe"
        var request = CheckoutSessionCompleteRequest(
            paymentData: PaymentData(handlerID: "card_tokenized", token: "spt_test_1", billingAddress: billing),
            buyer: ACPBuyer(
                uncheckedMembers: ["email": "jane@example.com", "first_name": "Jane", "last_name": "Doe"]
            ),
            authenticationResult: AuthenticationResult(
                uncheckedMembers: [
                    "outcome": "authenticated",
                    "outcome_details": [
                        "three_ds_cryptogram": "AbCdEfGhIjKlMnOpQrStUvWxY0=", "electronic_commerce_indicator": "05",
                        "transaction_id": "ds_1", "version": "2.2.0",
                    ],
                ]
            )
        )
        request.members["order_notes"] = "Gift"
        request.members["marketing_consents"] = [["channel": "email", "opted_in": true]]
        request.members["risk_signals"] = ["ip_address": "203.0.113.7"]
        return request
    }

    /// A session of the token families naming its provider.
    static func session(provider: String) -> CheckoutSession {
        CheckoutSession(
            uncheckedMembers: [
                "id": "cs_1", "status": "ready_for_payment", "currency": "usd",
                "payment_provider": ["provider": .string(provider), "supported_payment_methods": ["card"]],
            ]
        )
    }
}
