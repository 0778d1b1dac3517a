import AgentRetry
import Foundation
import Testing

@Suite("Deterministic keys from intents")
struct IdempotencyKeyTests {
    private let deriver = IdempotencyKeyDeriver(
        secret: try! .init(bytes: Array("0123456789abcdef0123456789abcdef".utf8))
    )
    private let intent = IdempotencyIntent(
        namespace: "shop-agent",
        operation: "payment_intent.create",
        inputs: ["task_id": "t-42", "cart": [["sku": "mug", "qty": 2]], "day": "2026-11-23"]
    )

    @Test("The same intent gives the same key; spelling of the inputs does not matter")
    func deterministic() throws {
        let respelled = IdempotencyIntent(
            namespace: "shop-agent",
            operation: "payment_intent.create",
            inputs: try JSONValue(
                parsing: Array(#"{"day":"2026-11-23","cart":[{"qty":2.0,"sku":"mug"}],"task_id":"t-42"}"#.utf8)
            )
        )
        #expect(try self.deriver.key(for: self.intent) == (try self.deriver.key(for: respelled)))
        let other = IdempotencyKeyDeriver(secret: try .init(bytes: Array("0123456789abcdef0123456789abcdef".utf8)))
        #expect(try other.key(for: self.intent) == (try self.deriver.key(for: self.intent)))
    }

    @Test("Any change gives a different key: namespace, operation, inputs, null vs absent, order, generation, secret")
    func sensitive() throws {
        var variants: [IdempotencyIntent] = []
        for change in 0..<6 {
            var changed = self.intent
            switch change {
            case 0: changed.namespace = "other-agent"
            case 1: changed.operation = "payment_intent.confirm"
            case 2: changed.inputs = ["task_id": "t-43", "cart": [["sku": "mug", "qty": 2]], "day": "2026-11-23"]
            case 3:
                changed.inputs = [
                    "task_id": "t-42", "cart": [["sku": "mug", "qty": 2]], "day": "2026-11-23", "coupon": nil,
                ]
            case 4:
                changed.inputs = [
                    "task_id": "t-42", "cart": [["sku": "mug", "qty": 2], ["sku": "tee", "qty": 1]],
                    "day": "2026-11-23",
                ]
            default: changed.generation = 1
            }
            variants.append(changed)
        }
        let keys = try variants.map { try self.deriver.key(for: $0) } + [try self.deriver.key(for: self.intent)]
        #expect(Set(keys).count == keys.count)
        let otherSecret = IdempotencyKeyDeriver(secret: .random())
        #expect(try otherSecret.key(for: self.intent) != (try self.deriver.key(for: self.intent)))
    }

    @Test("Formats fit the PSPs' limits; the UUID form is RFC 9562 version 8")
    func formats() throws {
        let standard = try self.deriver.key(for: self.intent).rawValue
        #expect(standard.hasPrefix("ar1_") && standard.count == 47)
        #expect(standard.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        let uuid = try self.deriver.key(for: self.intent, format: .uuid).rawValue
        #expect(uuid.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        #expect(UUID(uuidString: uuid) != nil)
        #expect(
            try self.deriver.key(for: self.intent, format: .hex, maximumLength: PSPProfile.adyen.maximumKeyLength)
                .rawValue.count == 64
        )
        #expect(throws: IdempotencyKeyError.self) {
            try self.deriver.key(for: self.intent, format: .hex, maximumLength: 40)
        }
    }

    @Test("A short secret is refused, and a secret is never printed")
    func secrets() throws {
        #expect(throws: IdempotencyKeyError.self) { try IdempotencyKeyDeriver.Secret(bytes: [1, 2, 3]) }
        let secret = try IdempotencyKeyDeriver.Secret(bytes: Array("very-secret-namespace-key".utf8))
        var dumped = ""
        dump(secret, to: &dumped)
        for text in ["\(secret)", String(reflecting: secret), dumped] {
            #expect(!text.contains("very-secret"))
        }
    }

    @Test("A day bucket is the UTC date")
    func dayBucket() {
        #expect(IdempotencyIntent.dayBucket(of: Date(timeIntervalSince1970: 1_795_405_000)) == "2026-11-23")
    }

    @Test("Body fingerprints: JSON by meaning, forms regardless of field order, bytes as they are")
    func fingerprints() throws {
        let a = try RequestFingerprint.json(try JSONValue(parsing: Array(#"{"a": 1, "b": 2}"#.utf8)))
        let b = try RequestFingerprint.json(try JSONValue(parsing: Array(#"{"b": 2.0, "a": 1}"#.utf8)))
        #expect(a == b)
        #expect(a != (try RequestFingerprint.json(["a": 1, "b": 3])))
        #expect(
            RequestFingerprint.form("amount=500&currency=usd&metadata%5Btask_id%5D=t+1")
                == RequestFingerprint.form("metadata[task_id]=t%201&currency=usd&amount=500")
        )
        #expect(RequestFingerprint.form("amount=500") != RequestFingerprint.form("amount=501"))
        #expect(RequestFingerprint.bytes([1, 2]) != RequestFingerprint.form("\u{1}\u{2}"))
        #expect(a.rawValue.count == 64)
    }
}
