import AgentRetry

/// What happened to one event at one endpoint.
struct WebhookDelivery: Sendable {
    /// The event's identity (its id, `webhook-id` under Standard Webhooks).
    let eventID: String
    let type: String
    var attempts: [WebhookAttempt] = []
    /// Whether some attempt got a 2xx.
    var delivered = false
    /// Whether every attempt failed and the event was given up.
    var gaveUp = false

    var json: JSONValue {
        [
            "event_id": .string(self.eventID), "type": .string(self.type),
            "attempts": .number(Double(self.attempts.count)),
            "last_status": self.attempts.last?.status.map { .number(Double($0)) } ?? .null,
            "delivered": .bool(self.delivered), "gave_up": .bool(self.gaveUp),
            "attempt_log": .array(self.attempts.map(\.json)),
        ]
    }
}
