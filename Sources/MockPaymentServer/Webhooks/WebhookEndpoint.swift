import AgentRetry

/// A registered webhook endpoint, its delivery log, and the generator its fault draws come from.
struct WebhookEndpoint: Sendable {
    /// `we_1`, `we_2`, ...
    let id: String
    let registration: WebhookRegistration
    var generator: SeededGenerator
    /// One per event sent to this endpoint, in the order the events happened.
    var deliveries: [WebhookDelivery] = []
    /// Events held by the `reorder` fault, sent shuffled when the window fills or its timer fires.
    var window: [WebhookEvent] = []
    /// Whether the window's timer is running.
    var windowTimerRunning = false

    init(id: String, registration: WebhookRegistration, defaultSeed: UInt64) {
        self.id = id
        self.registration = registration
        self.generator = SeededGenerator(seed: registration.faults.seed ?? defaultSeed)
    }

    /// A draw from 0 up to 1.
    mutating func draw() -> Double {
        Double(self.generator.next() >> 11) / Double(1 << 53)
    }

    /// Whether a fault of chance `rate` applies (no draw when the rate is 0, so adding one fault
    /// does not change another's decisions).
    mutating func happens(_ rate: Double) -> Bool {
        rate > 0 && self.draw() < rate
    }

    /// The endpoint as the admin API shows it; the secret is never shown.
    func json(withDeliveries: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(self.id), "url": .string(self.registration.url),
            "scheme": .string(self.registration.scheme.rawValue),
            "max_attempts": .number(Double(self.registration.maxAttempts)),
            "faults": self.registration.faults.json,
        ]
        if withDeliveries { object["deliveries"] = .array(self.deliveries.map(\.json)) }
        return .object(object)
    }
}
