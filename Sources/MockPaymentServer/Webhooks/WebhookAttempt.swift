import AgentRetry

/// One POST of an event to an endpoint, as the delivery log shows it.
struct WebhookAttempt: Sendable {
    /// 1 for the first attempt of the event.
    let number: Int
    /// The receiver's status, or `nil` when no response came.
    let status: Int?
    /// Why no response came (`connect_failed`, `timeout`, ...).
    let error: String?
    /// The faults this attempt was sent with: `wrong_secret`, `old_timestamp`, `duplicate`, `delay`.
    let faults: [String]
    /// The Unix time the attempt was signed at.
    let timestamp: Int

    var json: JSONValue {
        [
            "attempt": .number(Double(self.number)), "status": self.status.map { .number(Double($0)) } ?? .null,
            "error": self.error.map(JSONValue.string) ?? .null, "faults": .array(self.faults.map(JSONValue.string)),
            "timestamp": .number(Double(self.timestamp)),
        ]
    }
}
