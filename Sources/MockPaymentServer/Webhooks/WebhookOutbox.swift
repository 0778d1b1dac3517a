import AgentRetry

/// Events an effect produced, kept in ``MockState`` under the same lock as the effect and handed
/// to the ``WebhookDispatcher`` once the lock is released.
struct WebhookOutbox {
    private(set) var events: [WebhookEvent] = []
    private var counter = 0

    /// A new event id: `evt_mock` and a number unique since the last reset.
    private mutating func makeID() -> String {
        self.counter += 1
        let digits = String(self.counter)
        return "evt_mock" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// An ACP event: `{"type": ..., "data": ...}`.
    mutating func addACP(type: String, data: JSONValue) {
        let body: JSONValue = ["type": .string(type), "data": data]
        self.events.append(WebhookEvent(id: self.makeID(), type: type, body: body.serialized()))
    }

    /// A Stripe event: `{"id", "object": "event", "type", "created", "data": {"object": ...}}`.
    mutating func addStripe(type: String, object: JSONValue, created: Int) {
        let id = self.makeID()
        let body: JSONValue = [
            "id": .string(id), "object": "event", "type": .string(type), "created": .number(Double(created)),
            "livemode": false, "pending_webhooks": 1, "data": ["object": object],
        ]
        self.events.append(WebhookEvent(id: id, type: type, body: body.serialized()))
    }

    /// The events so far, leaving none.
    mutating func take() -> [WebhookEvent] {
        defer { self.events = [] }
        return self.events
    }
}
