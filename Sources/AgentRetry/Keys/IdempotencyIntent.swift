import Foundation

/// What an agent is trying to do once: the identity an idempotency key is derived from.
///
/// The caller chooses the identity ``inputs``: typically the agent's task or session id, and
/// optionally the canonical cart and a time bucket such as the day. Two intents with the same
/// namespace, operation, inputs (equal by meaning, see ``JSONValue``) and generation are the same
/// intent, in any process on any machine, and get the same key.
public struct IdempotencyIntent: Sendable, Hashable {
    /// The tenant or agent the intent belongs to; keys of different namespaces never coincide.
    public var namespace: String
    /// The operation, e.g. `payment_intent.create` or `checkout.complete`.
    public var operation: String
    /// The identity inputs, e.g. `{"task_id": "t-42", "cart": [...], "day": "2026-11-23"}`.
    public var inputs: JSONValue
    /// Starts over deliberately: a new generation is a new intent with a new key. Defaults to 0.
    public var generation: Int
    /// A time bucket such as ``dayBucket(of:)``: part of the key, so the same inputs in another
    /// bucket are a new intent. It only decides whether a *new* intent equals an old one: an
    /// unfinished record of an earlier bucket is found again and resumed. Defaults to `nil`.
    public var timeBucket: JSONValue?

    /// Creates an intent.
    public init(
        namespace: String,
        operation: String,
        inputs: JSONValue,
        generation: Int = 0,
        timeBucket: JSONValue? = nil
    ) {
        self.namespace = namespace
        self.operation = operation
        self.inputs = inputs
        self.generation = generation
        self.timeBucket = timeBucket
    }

    /// The RFC 8785 canonical bytes the key is computed over (the time bucket included).
    public func canonicalForm() throws(JSONValue.CanonicalizationError) -> [UInt8] {
        var envelope = self.identityEnvelope
        if let timeBucket { envelope["time_bucket"] = timeBucket }
        return try JSONValue.object(envelope).canonicalized()
    }

    /// The canonical bytes of the intent without its time bucket: what finds an unfinished record
    /// again after the bucket has rolled over.
    public func identityForm() throws(JSONValue.CanonicalizationError) -> [UInt8] {
        try JSONValue.object(self.identityEnvelope).canonicalized()
    }

    private var identityEnvelope: [String: JSONValue] {
        [
            "agentretry_intent": 1,
            "namespace": .string(self.namespace),
            "operation": .string(self.operation),
            "inputs": self.inputs,
            "generation": .number(Double(self.generation)),
        ]
    }

    /// A day bucket, `YYYY-MM-DD` in UTC, for intents that are "the same if on the same day".
    ///
    /// A bucket only decides whether a new intent equals an old one; a stored record is found again
    /// by its key even after the day has rolled over.
    public static func dayBucket(of date: Date) -> JSONValue {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let text = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        return .string(text)
    }
}
