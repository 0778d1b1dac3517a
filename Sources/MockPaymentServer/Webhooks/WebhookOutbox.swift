import AgentRetry

/// Events an effect produced, kept in ``MockState`` under the same lock as the effect and handed
/// to the ``WebhookDispatcher`` once the lock is released.
struct WebhookOutbox {
    private(set) var events: [WebhookEvent] = []
    private var counter = 0
    /// Random per outbox (a process, a reset), so that a receiver whose store outlives this mock
    /// never takes a new run's event for a redelivery of an old one.
    private let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)

    /// A new event id: `evt_mock_`, this outbox's random prefix, and a number.
    private mutating func makeID() -> String {
        self.counter += 1
        let digits = String(self.counter)
        return "evt_mock_\(self.prefix)_" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
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
