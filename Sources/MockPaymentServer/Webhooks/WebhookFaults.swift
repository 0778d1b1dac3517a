import AgentRetry

/// The faults a webhook endpoint's deliveries suffer, every draw from the endpoint's own seeded
/// generator.
struct WebhookFaults: Sendable {
    /// The generator's seed (the server's seed when not given).
    var seed: UInt64?
    /// After a successful delivery, the chance the same event (same id, same body) is sent again.
    var duplicateRate = 0.0
    /// Whether events are held in a window and sent shuffled.
    var reorder = false
    /// How many events the reorder window holds before it is sent (it is also sent after 200 ms).
    var reorderWindow = 4
    /// The longest random delay before each send, in milliseconds.
    var delayMilliseconds = 0
    /// The chance an attempt is signed with a wrong secret.
    var wrongSecretRate = 0.0
    /// The chance an attempt is signed with a timestamp one hour old.
    var oldTimestampRate = 0.0

    /// The members `faults` accepts.
    static let members: Set<String> = [
        "seed", "duplicate_rate", "reorder", "reorder_window", "delay_ms", "wrong_secret_rate",
        "old_timestamp_rate",
    ]

    /// The faults as JSON, as the admin API shows them.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "duplicate_rate": .number(self.duplicateRate), "reorder": .bool(self.reorder),
            "reorder_window": .number(Double(self.reorderWindow)),
            "delay_ms": .number(Double(self.delayMilliseconds)),
            "wrong_secret_rate": .number(self.wrongSecretRate),
            "old_timestamp_rate": .number(self.oldTimestampRate),
        ]
        if let seed = self.seed { object["seed"] = .number(Double(seed)) }
        return .object(object)
    }
}
