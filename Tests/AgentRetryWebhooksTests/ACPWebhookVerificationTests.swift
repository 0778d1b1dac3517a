import AgentRetry
import AgentRetryACP
import AgentRetryWebhooks
import Foundation
import Testing

@Suite("ACP Merchant-Signature verification")
struct ACPWebhookVerificationTests {
    static let secret = "acp_whsec_8f2c1d9e7b6a5f4e3d2c1b0a"
    static let order = """
        {"type":"order_create","data":{"type":"order","id":"ord_1","checkout_session_id":"cs_1",\
        "permalink_url":"https://merchant.example/orders/ord_1","status":"confirmed",\
        "line_items":[{"id":"li_1","item":{"id":"item_tshirt","quantity":2}}]}}
        """

    static func verifier(tolerance: Duration = .seconds(300)) throws -> WebhookVerifier {
        try WebhookVerifier(
            scheme: .acp,
            secrets: [WebhookSecret(Self.secret)],
            configuration: .init(tolerance: tolerance)
        )
    }

    static func headers(_ signature: String, name: String = "Merchant-Signature") -> HTTPHeaders {
        [name: signature, "Content-Type": "application/json"]
    }

    static func signed(_ body: String = Self.order, at timestamp: Int64 = TestSigner.nowSeconds) -> HTTPHeaders {
        Self.headers(TestSigner.timestampAndV1(secrets: [Self.secret], timestamp: timestamp, body: body))
    }

    @Test func anOrderCreateVerifiesAndCarriesTheFullOrder() throws {
        let event = try Self.verifier().verify(
            headers: Self.signed(),
            body: Array(Self.order.utf8),
            now: TestSigner.now
        )
        #expect(event.scheme == .acp)
        #expect(event.eventID == nil)
        #expect(event.eventType == "order_create")
        #expect(event.timestamp == TestSigner.nowSeconds)
        #expect(event.rawBody == Array(Self.order.utf8))
        let acp = try ACPWebhookEvent(members: try #require(event.body.objectValue))
        #expect(acp.type == "order_create")
        #expect(acp.order?.members["checkout_session_id"] == .string("cs_1"))
        #expect(acp.order?.members["line_items"]?.arrayValue?.count == 1)
    }

    @Test func anUnknownEventTypeIsAccepted() throws {
        let body = #"{"type":"order_teleported","data":{"type":"order","id":"ord_1"}}"#
        let event = try Self.verifier().verify(headers: Self.signed(body), body: Array(body.utf8), now: TestSigner.now)
        #expect(event.eventType == "order_teleported")
    }

    @Test func theHeaderNameIsCaseInsensitiveAndUppercaseHexIsAccepted() throws {
        let signature = TestSigner.timestampAndV1(
            secrets: [Self.secret],
            timestamp: TestSigner.nowSeconds,
            body: Self.order
        )
        let hex = try #require(signature.split(separator: "=").last)
        let upper = "t=\(TestSigner.nowSeconds),v1=" + hex.uppercased()
        #expect(upper != signature)
        for headers in [Self.headers(signature, name: "merchant-signature"), Self.headers(upper)] {
            let event = try Self.verifier().verify(headers: headers, body: Array(Self.order.utf8), now: TestSigner.now)
            #expect(event.eventType == "order_create")
        }
    }

    @Test func aTamperedBodyOrAWrongSecretIsAMismatchAnsweredAsInvalidSignature() throws {
        let tampered = Self.order.replacingOccurrences(of: "\"quantity\":2", with: "\"quantity\":20")
        var errors: [WebhookVerificationError] = []
        errors.append(
            try Refusal.of {
                try Self.verifier().verify(headers: Self.signed(), body: Array(tampered.utf8), now: TestSigner.now)
            }
        )
        let other = try WebhookVerifier(scheme: .acp, secrets: [WebhookSecret("another_secret")])
        errors.append(
            try Refusal.of {
                try other.verify(headers: Self.signed(), body: Array(Self.order.utf8), now: TestSigner.now)
            }
        )
        for error in errors {
            #expect(error.code == .signatureMismatch)
            #expect(error.acpErrorBody["code"] == .string("invalid_signature"))
            #expect(error.acpErrorBody["type"] == .string("invalid_request"))
        }
    }

    @Test func aMissingHeaderIsRefused() throws {
        let error = try Refusal.of {
            try Self.verifier().verify(
                headers: ["Content-Type": "application/json"],
                body: Array(Self.order.utf8),
                now: TestSigner.now
            )
        }
        #expect(error.code == .missingHeader)
        #expect(error.header == "Merchant-Signature")
    }

    static let goodHex = String(repeating: "ab", count: 32)
    static let malformedHeaders = [
        "v1=\(goodHex)",  // no t
        "t=abc,v1=\(goodHex)",  // t not numeric
        "t=-5,v1=\(goodHex)",  // t with a sign
        "t=1776427200.5,v1=\(goodHex)",  // t with a fraction
        "t=1776427200,v1=\(String(repeating: "zz", count: 32))",  // bad hex
        "t=1776427200,v1=\(String(repeating: "ab", count: 31))",  // wrong length
        "t=1776427200,v1=\(goodHex)ab",  // wrong length
        "t=1776427200",  // empty v1 list
        "t=1776427200,v1=",  // empty v1
        "t=1776427200,v0=\(goodHex)",  // an unknown version only
        "t=1,t=1776427200,v1=\(goodHex)",  // t twice
        "garbage",
    ]

    @Test(arguments: Self.malformedHeaders)
    func aMalformedHeaderIsRefused(header: String) throws {
        let error = try Refusal.of {
            try Self.verifier().verify(headers: Self.headers(header), body: Array(Self.order.utf8), now: TestSigner.now)
        }
        #expect(error.code == .malformedHeader)
        #expect(error.header == "Merchant-Signature")
        #expect(!error.description.contains(Self.goodHex))
    }

    @Test func aRepeatedHeaderIsRefused() throws {
        var headers = Self.signed()
        headers.add(
            name: "merchant-signature",
            value: TestSigner.timestampAndV1(secrets: ["x"], timestamp: 1, body: "{}")
        )
        let error = try Refusal.of {
            try Self.verifier().verify(headers: headers, body: Array(Self.order.utf8), now: TestSigner.now)
        }
        #expect(error.code == .malformedHeader)
    }

    @Test func theTimestampMustBeWithinTheToleranceInBothDirections() throws {
        let body = Array(Self.order.utf8)
        let verifier = try Self.verifier()
        for offset: Int64 in [-300, 0, 300] {
            let event = try verifier.verify(
                headers: Self.signed(at: TestSigner.nowSeconds + offset),
                body: body,
                now: TestSigner.now
            )
            #expect(event.timestamp == TestSigner.nowSeconds + offset)
        }
        let old = try Refusal.of {
            try verifier.verify(headers: Self.signed(at: TestSigner.nowSeconds - 301), body: body, now: TestSigner.now)
        }
        #expect(old.code == .timestampTooOld)
        #expect(old.isExpired)
        let new = try Refusal.of {
            try verifier.verify(headers: Self.signed(at: TestSigner.nowSeconds + 301), body: body, now: TestSigner.now)
        }
        #expect(new.code == .timestampTooNew)
        #expect(new.isExpired)
    }

    @Test func theToleranceIsConfigurable() throws {
        let body = Array(Self.order.utf8)
        let strict = try Self.verifier(tolerance: .seconds(60))
        let refused = try Refusal.of {
            try strict.verify(headers: Self.signed(at: TestSigner.nowSeconds - 61), body: body, now: TestSigner.now)
        }
        #expect(refused.code == .timestampTooOld)
        let lenient = try Self.verifier(tolerance: .seconds(3600))
        let event = try lenient.verify(
            headers: Self.signed(at: TestSigner.nowSeconds + 3000),
            body: body,
            now: TestSigner.now
        )
        #expect(event.timestamp == TestSigner.nowSeconds + 3000)
    }

    @Test func aVerifiedBodyThatIsNotJSONIsRefused() throws {
        let body = "not json"
        let error = try Refusal.of {
            try Self.verifier().verify(headers: Self.signed(body), body: Array(body.utf8), now: TestSigner.now)
        }
        #expect(error.code == .invalidBody)
    }
}
