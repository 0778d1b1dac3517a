import AgentRetry
import AgentRetryTesting
import AgentRetryWebhooks
import Foundation
import Testing

@Suite("Stripe-Signature verification")
struct StripeWebhookVerificationTests {
    static let oldSecret = "whsec_test_old_2b7e151628aed2a6abf71588"
    static let newSecret = "whsec_test_new_3c4fcf098815f7aba6d2ae28"
    static let body = """
        {"id":"evt_1Q2w3E4r5T6y","object":"event","type":"payment_intent.succeeded",\
        "data":{"object":{"id":"pi_1","object":"payment_intent","amount":2000,"status":"succeeded"}}}
        """

    static func headers(secrets: [String], at timestamp: Int64 = TestSigner.nowSeconds) -> HTTPHeaders {
        ["Stripe-Signature": TestSigner.timestampAndV1(secrets: secrets, timestamp: timestamp, body: Self.body)]
    }

    static func verifier(_ secrets: [String]) throws -> WebhookVerifier {
        try WebhookVerifier(scheme: .stripe, secrets: secrets.map { WebhookSecret($0) })
    }

    @Test func anEventVerifiesWithItsIDFromTheBody() throws {
        let event = try Self.verifier([Self.newSecret])
            .verify(headers: Self.headers(secrets: [Self.newSecret]), body: Array(Self.body.utf8), now: TestSigner.now)
        #expect(event.scheme == .stripe)
        #expect(event.eventID == "evt_1Q2w3E4r5T6y")
        #expect(event.eventType == "payment_intent.succeeded")
        #expect(event.body["data"]?["object"]?["amount"] == .number(2000))
    }

    @Test func rotationVerifiesWithEitherSecretOnEitherSide() throws {
        let body = Array(Self.body.utf8)
        // The sender signs with both during its rotation; the receiver knows only one of them.
        for known in [Self.oldSecret, Self.newSecret] {
            let event = try Self.verifier([known])
                .verify(
                    headers: Self.headers(secrets: [Self.oldSecret, Self.newSecret]),
                    body: body,
                    now: TestSigner.now
                )
            #expect(event.eventID == "evt_1Q2w3E4r5T6y")
        }
        // The receiver holds both during its rotation; the sender signs with one.
        for signing in [Self.oldSecret, Self.newSecret] {
            let event = try Self.verifier([Self.oldSecret, Self.newSecret])
                .verify(headers: Self.headers(secrets: [signing]), body: body, now: TestSigner.now)
            #expect(event.eventID == "evt_1Q2w3E4r5T6y")
        }
        let retired = try Refusal.of {
            try Self.verifier([Self.newSecret]).verify(
                headers: Self.headers(secrets: [Self.oldSecret]),
                body: body,
                now: TestSigner.now
            )
        }
        #expect(retired.code == .signatureMismatch)
    }

    @Test func aV0OrUnknownElementBesideV1IsIgnored() throws {
        let signed = TestSigner.timestampAndV1(
            secrets: [Self.newSecret],
            timestamp: TestSigner.nowSeconds,
            body: Self.body
        )
        let headers: HTTPHeaders = ["stripe-signature": signed + ",v0=" + String(repeating: "0", count: 64) + ",x=1"]
        let event = try Self.verifier([Self.newSecret]).verify(
            headers: headers,
            body: Array(Self.body.utf8),
            now: TestSigner.now
        )
        #expect(event.eventID == "evt_1Q2w3E4r5T6y")
    }

    @Test func aTamperedBodyIsRefusedAndExpiryComesAfterTheSignature() throws {
        let verifier = try Self.verifier([Self.newSecret])
        let tampered = Array(Self.body.replacingOccurrences(of: "2000", with: "1").utf8)
        let mismatch = try Refusal.of {
            try verifier.verify(headers: Self.headers(secrets: [Self.newSecret]), body: tampered, now: TestSigner.now)
        }
        #expect(mismatch.code == .signatureMismatch)
        // An old timestamp with a bad signature is a mismatch: only an authentic request learns of the window.
        let forgedAndOld = try Refusal.of {
            try verifier.verify(
                headers: Self.headers(secrets: ["nope"], at: 1),
                body: Array(Self.body.utf8),
                now: TestSigner.now
            )
        }
        #expect(forgedAndOld.code == .signatureMismatch)
        let old = try Refusal.of {
            try verifier.verify(
                headers: Self.headers(secrets: [Self.newSecret], at: TestSigner.nowSeconds - 3600),
                body: Array(Self.body.utf8),
                now: TestSigner.now
            )
        }
        #expect(old.code == .timestampTooOld)
    }

    @Test func aSignatureFromPythonHMACVerifiesAndStripesOwnLibraryAcceptsTheSameHeader() async throws {
        let script = """
            import hashlib, hmac, sys
            import stripe
            secret, timestamp, body = sys.argv[1:4]
            signature = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
            header = f"t={timestamp},v1={signature}"
            stripe.WebhookSignature.verify_header(body, header, secret, tolerance=None)
            print(header)
            """
        let outcome = try await PythonCheck.run(
            script,
            arguments: [Self.newSecret, "\(TestSigner.nowSeconds)", Self.body]
        )
        #expect(outcome.status == 0, "\(outcome.output)")
        let header = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let event = try Self.verifier([Self.newSecret])
            .verify(headers: ["Stripe-Signature": header], body: Array(Self.body.utf8), now: TestSigner.now)
        #expect(event.eventID == "evt_1Q2w3E4r5T6y")
        #expect(
            header
                == TestSigner.timestampAndV1(
                    secrets: [Self.newSecret],
                    timestamp: TestSigner.nowSeconds,
                    body: Self.body
                )
        )
    }
}
