import AgentRetry
import AgentRetryTesting
import AgentRetryWebhooks
import Foundation
import Testing

@Suite("Standard Webhooks verification")
struct StandardWebhooksVerificationTests {
    /// The reference test vector of the Standard Webhooks libraries (the specification repository's
    /// `libraries/*` test suites, Apache-2.0): secret, id, timestamp, payload and signature.
    enum Vector {
        static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
        static let timestamp: Int64 = 1_614_265_330
        static let payload = #"{"test": 2432232314}"#
        static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        static var now: Date { Date(timeIntervalSince1970: TimeInterval(Self.timestamp)) }
        static var headers: HTTPHeaders {
            ["webhook-id": Self.id, "webhook-timestamp": "\(Self.timestamp)", "webhook-signature": Self.signature]
        }
    }

    /// A second secret, for rotation: 32 random-looking bytes.
    static let rotatedSecret = "whsec_" + Data("rotated-secret-of-32-bytes-long!".utf8).base64EncodedString()

    static func verifier(_ secrets: [String] = [Vector.secret]) throws -> WebhookVerifier {
        try WebhookVerifier(scheme: .standardWebhooks, secrets: secrets.map { WebhookSecret($0) })
    }

    @Test func theReferenceVectorVerifies() throws {
        let event = try Self.verifier().verify(
            headers: Vector.headers,
            body: Array(Vector.payload.utf8),
            now: Vector.now
        )
        #expect(event.scheme == .standardWebhooks)
        #expect(event.eventID == Vector.id)
        #expect(event.timestamp == Vector.timestamp)
        #expect(event.body == .object(["test": .number(2_432_232_314)]))
        // The secret without its prefix is the same key.
        let bare = try Self.verifier([String(Vector.secret.dropFirst("whsec_".count))])
        #expect(
            try bare.verify(headers: Vector.headers, body: Array(Vector.payload.utf8), now: Vector.now).eventID
                == Vector.id
        )
        // And the test's own HMAC over "<id>.<timestamp>.<body>" gives the vector's signature.
        let ours = TestSigner.standardHeaders(
            id: Vector.id,
            timestamp: Vector.timestamp,
            body: Vector.payload,
            secrets: [Vector.secret]
        )
        #expect(ours["webhook-signature"] == Vector.signature)
    }

    @Test func theVectorWithAnythingChangedIsAMismatch() throws {
        var otherID = Vector.headers
        otherID.replaceOrAdd(name: "webhook-id", value: "msg_other")
        var otherTime = Vector.headers
        otherTime.replaceOrAdd(name: "webhook-timestamp", value: "\(Vector.timestamp + 1)")
        let cases: [(HTTPHeaders, String)] = [
            (otherID, Vector.payload), (otherTime, Vector.payload), (Vector.headers, #"{"test": 2432232315}"#),
        ]
        for (headers, body) in cases {
            let error = try Refusal.of {
                try Self.verifier().verify(headers: headers, body: Array(body.utf8), now: Vector.now)
            }
            #expect(error.code == .signatureMismatch)
        }
        let wrongSecret = try Refusal.of {
            try Self.verifier([Self.rotatedSecret]).verify(
                headers: Vector.headers,
                body: Array(Vector.payload.utf8),
                now: Vector.now
            )
        }
        #expect(wrongSecret.code == .signatureMismatch)
    }

    @Test func theSpecificationsExampleHeaderParsesAndItsV1aEntryIsIgnored() throws {
        // The "Example headers" of the specification: a v1 and a v1a (asymmetric) signature. Its secret is
        // not published, so under the vector's secret it parses and does not match.
        let headers: HTTPHeaders = [
            "webhook-id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
            "webhook-timestamp": "1674087231",
            "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= "
                + "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
        ]
        let body =
            #"{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","#
            + #""data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}"#
        let error = try Refusal.of {
            try Self.verifier().verify(
                headers: headers,
                body: Array(body.utf8),
                now: Date(timeIntervalSince1970: 1_674_087_231)
            )
        }
        #expect(error.code == .signatureMismatch)
    }

    @Test func rotationWithSeveralSignaturesAndSeveralSecrets() throws {
        let body = #"{"type":"order.paid","data":{"id":"ord_1"}}"#
        let both = TestSigner.standardHeaders(
            id: "msg_1",
            timestamp: TestSigner.nowSeconds,
            body: body,
            secrets: [Vector.secret, Self.rotatedSecret]
        )
        #expect(both["webhook-signature"]?.split(separator: " ").count == 2)
        for known in [Vector.secret, Self.rotatedSecret] {
            #expect(
                try Self.verifier([known]).verify(headers: both, body: Array(body.utf8), now: TestSigner.now).eventID
                    == "msg_1"
            )
        }
        for signing in [Vector.secret, Self.rotatedSecret] {
            let one = TestSigner.standardHeaders(
                id: "msg_2",
                timestamp: TestSigner.nowSeconds,
                body: body,
                secrets: [signing]
            )
            let verifier = try Self.verifier([Self.rotatedSecret, Vector.secret])
            #expect(try verifier.verify(headers: one, body: Array(body.utf8), now: TestSigner.now).eventID == "msg_2")
        }
    }

    @Test func expiryInBothDirections() throws {
        let body = "{}"
        for (offset, code) in [(Int64(-301), WebhookVerificationError.Code.timestampTooOld), (301, .timestampTooNew)] {
            let headers = TestSigner.standardHeaders(
                id: "msg_1",
                timestamp: TestSigner.nowSeconds + offset,
                body: body,
                secrets: [Vector.secret]
            )
            let error = try Refusal.of {
                try Self.verifier().verify(headers: headers, body: Array(body.utf8), now: TestSigner.now)
            }
            #expect(error.code == code)
        }
        let edge = TestSigner.standardHeaders(
            id: "msg_1",
            timestamp: TestSigner.nowSeconds - 300,
            body: body,
            secrets: [Vector.secret]
        )
        #expect(
            try Self.verifier().verify(headers: edge, body: Array(body.utf8), now: TestSigner.now).eventID == "msg_1"
        )
    }

    static let malformed: [(name: String, value: String?, code: String)] = [
        ("webhook-id", nil, "missingHeader"),
        ("webhook-timestamp", nil, "missingHeader"),
        ("webhook-signature", nil, "missingHeader"),
        ("webhook-signature", "", "missingHeader"),
        ("webhook-timestamp", "soon", "malformedHeader"),
        ("webhook-timestamp", "1614265330.0", "malformedHeader"),
        ("webhook-signature", "v1", "malformedHeader"),  // no comma
        ("webhook-signature", "v1,not*base64", "malformedHeader"),
        ("webhook-signature", "v1," + Data(repeating: 7, count: 16).base64EncodedString(), "malformedHeader"),
        ("webhook-signature", "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw", "malformedHeader"),  // unknown version only
        ("webhook-signature", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "malformedHeader"),
    ]

    @Test(arguments: 0..<Self.malformed.count)
    func aMissingOrMalformedHeaderIsRefused(index: Int) throws {
        let (name, value, code) = Self.malformed[index]
        var headers = Vector.headers
        if let value { headers.replaceOrAdd(name: name, value: value) } else { headers.remove(name: name) }
        let error = try Refusal.of {
            try Self.verifier().verify(headers: headers, body: Array(Vector.payload.utf8), now: Vector.now)
        }
        #expect("\(error.code)" == code)
        #expect(error.header == name)
    }

    @Test func aSecretThatIsNotBase64IsABadSecret() throws {
        for secret in ["whsec_%%%not-base64%%%", "whsec_", "   "] {
            let error = try Refusal.making {
                try WebhookVerifier(scheme: .standardWebhooks, secrets: [WebhookSecret(secret)])
            }
            #expect(error.code == .badSecret)
        }
        let none = try Refusal.making { try WebhookVerifier(scheme: .standardWebhooks, secrets: []) }
        #expect(none.code == .badSecret)
    }

    @Test func aSignatureFromTheStandardwebhooksPackageVerifies() async throws {
        let script = """
            import sys
            from datetime import datetime, timezone
            from standardwebhooks import Webhook
            secret, msg_id, timestamp, body = sys.argv[1:5]
            print(Webhook(secret).sign(msg_id, datetime.fromtimestamp(int(timestamp), tz=timezone.utc), body))
            """
        let body = #"{"type":"invoice.paid","data":{"id":"in_1","amount":4200}}"#
        for secret in [Vector.secret, Self.rotatedSecret] {
            let outcome = try await PythonCheck.run(
                script,
                arguments: [secret, "msg_py", "\(TestSigner.nowSeconds)", body]
            )
            #expect(outcome.status == 0, "\(outcome.output)")
            let headers: HTTPHeaders = [
                "Webhook-Id": "msg_py", "Webhook-Timestamp": "\(TestSigner.nowSeconds)",
                "Webhook-Signature": outcome.output.trimmingCharacters(in: .whitespacesAndNewlines),
            ]
            let event = try Self.verifier([Self.rotatedSecret, Vector.secret])
                .verify(headers: headers, body: Array(body.utf8), now: TestSigner.now)
            #expect(event.eventID == "msg_py")
            #expect(event.body["data"]?["amount"] == .number(4200))
        }
    }

    @Test func pythonHMACOverTheDocumentedStringGivesTheVectorSignature() async throws {
        let script = """
            import base64, hashlib, hmac, sys
            secret, msg_id, timestamp, body = sys.argv[1:5]
            key = base64.b64decode(secret.removeprefix("whsec_"))
            mac = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
            print("v1," + base64.b64encode(mac).decode())
            """
        let outcome = try await PythonCheck.run(
            script,
            arguments: [Vector.secret, Vector.id, "\(Vector.timestamp)", Vector.payload]
        )
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines) == Vector.signature)
    }
}
