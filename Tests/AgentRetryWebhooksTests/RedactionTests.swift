import AgentRetry
import AgentRetryWebhooks
import Foundation
import Testing

@Suite("Webhook secrets and signatures are never printed")
struct RedactionTests {
    static let secret = "whsec_c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1wcmludGVk"

    static func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }

    @Test func aSecretAndAVerifierShowNothingOfTheSecret() throws {
        let secret = WebhookSecret(Self.secret)
        let verifier = try WebhookVerifier(
            scheme: .standardWebhooks,
            secrets: [secret, WebhookSecret(keyBytes: [1, 2, 3])]
        )
        let key = try #require(Data(base64Encoded: String(Self.secret.dropFirst("whsec_".count))))
        let texts = [
            "\(secret)", String(reflecting: secret), Self.dumped(secret),
            "\(verifier)", String(reflecting: verifier), Self.dumped(verifier), Self.dumped([secret]),
        ]
        for text in texts {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains("c2VjcmV0LXRoYXQ"))
            #expect(!text.contains(String(decoding: key, as: UTF8.self)))
            #expect(!text.contains("[1, 2, 3]"))
        }
        #expect("\(secret)" == "WebhookSecret(redacted)")
        #expect("\(verifier)".contains("secrets: 2 redacted"))
    }

    @Test func noRefusalNamesTheSecretOrTheSignature() throws {
        let stripeSecret = "whsec_stripe_secret_that_must_stay_hidden"
        let body = #"{"id":"evt_1","type":"charge.refunded"}"#
        let signed = TestSigner.timestampAndV1(secrets: [stripeSecret], timestamp: TestSigner.nowSeconds, body: body)
        let signature = String(try #require(signed.split(separator: "=").last))
        let stripe = try WebhookVerifier(scheme: .stripe, secrets: [WebhookSecret(stripeSecret)])
        let standard = try WebhookVerifier(scheme: .standardWebhooks, secrets: [WebhookSecret(Self.secret)])
        let standardHeaders = TestSigner.standardHeaders(id: "msg_1", timestamp: 1, body: body, secrets: [Self.secret])
        let standardSignature = try #require(standardHeaders["webhook-signature"])
        let refusals: [() throws -> VerifiedWebhook] = [
            { try stripe.verify(headers: ["Stripe-Signature": signed], body: Array("{}".utf8), now: TestSigner.now) },
            {
                try stripe.verify(
                    headers: ["Stripe-Signature": signed],
                    body: Array(body.utf8),
                    now: Date(timeIntervalSince1970: 0)
                )
            },
            {
                try stripe.verify(
                    headers: ["Stripe-Signature": signed + ",v1=xyz"],
                    body: Array(body.utf8),
                    now: TestSigner.now
                )
            },
            {
                try stripe.verify(
                    headers: ["Stripe-Signature": "t=x," + signed],
                    body: Array(body.utf8),
                    now: TestSigner.now
                )
            },
            { try standard.verify(headers: standardHeaders, body: Array(body.utf8), now: TestSigner.now) },
            {
                try standard.verify(
                    headers: standardHeaders,
                    body: Array("{}".utf8),
                    now: Date(timeIntervalSince1970: 1)
                )
            },
        ]
        var codes: Set<String> = []
        for refusal in refusals {
            let error = try Refusal.of(refusal)
            codes.insert("\(error.code)")
            for text in ["\(error)", String(reflecting: error), Self.dumped(error), "\(error.acpErrorBody)"] {
                #expect(!text.contains(stripeSecret))
                #expect(!text.contains(Self.secret))
                #expect(!text.contains(signature))
                #expect(!text.contains(standardSignature.dropFirst(3)))
            }
        }
        #expect(codes == ["signatureMismatch", "timestampTooNew", "malformedHeader", "timestampTooOld"])
        let bad = try Refusal.making {
            try WebhookVerifier(scheme: .standardWebhooks, secrets: [WebhookSecret("whsec_%%hidden%%")])
        }
        #expect(!"\(bad)".contains("hidden"))
    }
}
