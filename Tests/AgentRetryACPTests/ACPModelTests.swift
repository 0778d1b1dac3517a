import AgentRetry
import AgentRetryACP
import Foundation
import Testing

@Suite("ACP models: tolerant reading, exact writing, typed errors")
struct ACPModelTests {
    @Test("Unknown fields and unknown enum values are kept, never a decoding failure")
    func unknownsAreKept() throws {
        let body =
            #"{"id":"cs_1","status":"awaiting_robot","currency":"usd","future_field":{"a":[1,2]},"#
            + #""messages":[{"type":"hint","code":"brand_new_code","content":"x","content_type":"plain"}],"#
            + #""line_items":[],"#
            + #""totals":[{"type":"carbon_offset","display_text":"Offset","amount":12}]}"#
        let session = try CheckoutSession(parsing: Array(body.utf8))
        #expect(session.status.rawValue == "awaiting_robot")
        #expect(!session.status.isTerminal)
        #expect(session.messages.first?.type.rawValue == "hint")
        #expect(session.messages.first?.code?.rawValue == "brand_new_code")
        #expect(session.totals.first?.type.rawValue == "carbon_offset")
        let again = try JSONValue(parsing: [UInt8](try JSONEncoder().encode(session)))
        #expect(again == (try JSONValue(parsing: Array(body.utf8))))
    }

    @Test("null and absent stay distinct when encoding")
    func nullIsNotAbsent() throws {
        var update = try CheckoutSessionUpdateRequest(parsing: Array(#"{"buyer":null}"#.utf8))
        #expect(update.isNull("buyer"))
        #expect(update.acpJSON == ["buyer": .null])
        update.setNull("fulfillment_details")
        update.selectedFulfillmentOptions = [
            SelectedFulfillmentOption(kind: .shipping, optionID: "ship_express", itemIDs: ["li_1"])
        ]
        let encoded = try JSONValue(parsing: [UInt8](try JSONEncoder().encode(update)))
        #expect(encoded["buyer"] == .null)
        #expect(encoded["fulfillment_details"] == .null)
        #expect(encoded["line_items"] == nil, "absent stays absent: leave the line items as they are")
        update.selectedFulfillmentOptions = nil
        #expect(update.acpJSON["selected_fulfillment_options"] == nil)
    }

    @Test(
        "A field of the wrong type or a missing required field is a typed error with its JSONPath",
        arguments: [
            (
                #"{"id":"cs_1","status":"completed","currency":"usd","#
                    + #""line_items":[{"id":"li_1","item":{"id":"x"},"quantity":"two"}]}"#,
                ACPDecodingError.Code.typeMismatch, "$.line_items[0].quantity"
            ),
            (#"{"status":"completed","currency":"usd"}"#, .missingField, "$.id"),
            (#"{"id":"cs_1","status":7,"currency":"usd"}"#, .typeMismatch, "$.status"),
            (
                #"{"id":"cs_1","status":"completed","currency":"usd","totals":[{"type":"total","amount":1.5}]}"#,
                .typeMismatch, "$.totals[0].amount"
            ),
            (#"[1,2]"#, .typeMismatch, "$"),
            (#"{"id":"#, .invalidJSON, "$"),
        ]
    )
    func typedErrors(_ body: String, _ code: ACPDecodingError.Code, _ path: String) {
        #expect {
            _ = try CheckoutSession(parsing: Array(body.utf8))
        } throws: { error in
            guard let error = error as? ACPDecodingError else { return false }
            return error.code == code && error.path == path
        }
    }

    @Test("Errors and printed objects never show a credential or a field's value")
    func redaction() throws {
        let request = CheckoutSessionCompleteRequest(
            paymentData: PaymentData(handlerID: "card_tokenized", token: "spt_secret_123")
        )
        #expect(!request.description.contains("spt_secret_123"))
        #expect(!String(reflecting: request).contains("spt_secret_123"))
        var dumped = ""
        dump(request, to: &dumped)
        #expect(!dumped.contains("spt_secret_123"))
        var cart = CheckoutCart(currency: "usd", lines: [.init(id: "a")])
        cart.members["payment_token"] = "spt_cart_secret"
        #expect(!"\(cart)".contains("spt_cart_secret"))
        let merchant = CheckoutTask.Merchant.stripe(baseURL: "http://127.0.0.1:1", apiKey: "sk_live_secret")
        var dumpedMerchant = ""
        dump(merchant, to: &dumpedMerchant)
        #expect(!"\(merchant)".contains("sk_live_secret") && !dumpedMerchant.contains("sk_live_secret"))
        let configuration = ACPClient.Configuration(baseURL: "http://127.0.0.1:1", apiKey: "sk_acp_secret")
        var dumpedConfiguration = ""
        dump(configuration, to: &dumpedConfiguration)
        #expect(!"\(configuration)".contains("sk_acp_secret") && !dumpedConfiguration.contains("sk_acp_secret"))
        #expect(request.acpJSON["payment_data"]?["instrument"]?["credential"]?["token"] == "spt_secret_123")
        let body =
            #"{"payment_data":{"handler_id":987654321,"#
            + #""instrument":{"type":"card","credential":{"type":"spt","token":"t"}}}}"#
        let error = #expect(throws: ACPDecodingError.self) {
            try CheckoutSessionCompleteRequest(parsing: Array(body.utf8))
        }
        #expect(error?.path == "$.payment_data.handler_id")
        #expect(error.map { !"\($0)".contains("987654321") } == true)
    }

    @Test("A cart's canonical form merges and sorts lines, lower-cases the currency and leaves the token out")
    func canonicalCart() throws {
        let first = try CheckoutCart(
            parsing: Array(
                #"""
                {"currency":"USD",
                 "line_items":[{"id":"item_mug"},{"id":"item_tshirt","quantity":1},{"id":"item_mug","quantity":2}],
                 "payment_token":"spt_a"}
                """#.utf8
            )
        )
        let second = try CheckoutCart(
            parsing: Array(
                #"""
                {"currency":"usd","line_items":[{"id":"item_tshirt","quantity":1},{"id":"item_mug","quantity":3}],
                 "payment_token":"spt_b"}
                """#.utf8
            )
        )
        #expect(first.canonicalJSON == second.canonicalJSON)
        #expect(first.mergedLines.map(\.id) == ["item_mug", "item_tshirt"])
        #expect(first.mergedLines.map(\.quantity) == [3, 1])
        #expect(first.canonicalJSON["payment_token"] == nil)
        let third = CheckoutCart(currency: "usd", lines: [.init(id: "item_mug", quantity: 2)])
        #expect(third.canonicalJSON != first.canonicalJSON)
    }

    @Test(
        "A cart that cannot be bought is refused with the field's path",
        arguments: [
            (#"{"currency":"usd","line_items":[]}"#, "$.line_items"),
            (#"{"currency":"usd","line_items":[{"id":"a","quantity":0}]}"#, "$.line_items[0].quantity"),
            (#"{"currency":"dollars","line_items":[{"id":"a"}]}"#, "$.currency"),
            (#"{"currency":"usd","line_items":[{"id":"","quantity":1}]}"#, "$.line_items[0].id"),
            (#"{"currency":"usd","line_items":[{"id":"a","unit_amount":-5}]}"#, "$.line_items[0].unit_amount"),
            (
                #"{"currency":"usd","line_items":[{"id":"a","unit_amount":8000000000000000}]}"#,
                "$.line_items[0].unit_amount"
            ),
            (
                #"{"currency":"usd","line_items":[{"id":"a","quantity":600},{"id":"b","quantity":600}]}"#,
                "$.line_items[1].quantity"
            ),
            (
                #"{"currency":"usd","line_items":[{"id":"a","unit_amount":5},{"id":"a","unit_amount":6}]}"#,
                "$.line_items[1].unit_amount"
            ),
        ]
    )
    func invalidCarts(_ body: String, _ path: String) throws {
        let cart = try CheckoutCart(parsing: Array(body.utf8))
        #expect { try cart.validate() } throws: { ($0 as? ACPDecodingError)?.path == path }
    }
}
