import AgentRetry

extension WebhookFaults {
    /// Reads the `faults` object of a webhook registration; a problem names the member.
    init(json: JSONValue) throws(WebhookRegistration.Problem) {
        guard let object = json.objectValue else {
            throw WebhookRegistration.Problem("faults must be an object", param: "$.faults")
        }
        if let unknown = object.keys.sorted().first(where: { !Self.members.contains($0) }) {
            throw WebhookRegistration.Problem("Unknown fault \(unknown)", param: "$.faults.\(unknown)")
        }
        self.init()
        if let seed = object["seed"] {
            guard let value = seed.integerValue, value >= 0 else {
                throw WebhookRegistration.Problem("seed must be a non-negative integer", param: "$.faults.seed")
            }
            self.seed = UInt64(value)
        }
        self.duplicateRate = try Self.rate(object, "duplicate_rate")
        self.wrongSecretRate = try Self.rate(object, "wrong_secret_rate")
        self.oldTimestampRate = try Self.rate(object, "old_timestamp_rate")
        if let reorder = object["reorder"] {
            guard let value = reorder.boolValue else {
                throw WebhookRegistration.Problem("reorder must be true or false", param: "$.faults.reorder")
            }
            self.reorder = value
        }
        self.reorderWindow = try Self.integer(object, "reorder_window", in: 1...100) ?? 4
        self.delayMilliseconds = try Self.integer(object, "delay_ms", in: 0...60_000) ?? 0
    }

    private static func rate(
        _ object: [String: JSONValue],
        _ name: String
    ) throws(WebhookRegistration.Problem) -> Double {
        guard let member = object[name] else { return 0 }
        guard let value = member.numberValue, (0...1).contains(value) else {
            throw WebhookRegistration.Problem("\(name) must be a number from 0 to 1", param: "$.faults.\(name)")
        }
        return value
    }

    private static func integer(
        _ object: [String: JSONValue],
        _ name: String,
        in range: ClosedRange<Int>
    ) throws(WebhookRegistration.Problem) -> Int? {
        guard let member = object[name] else { return nil }
        guard let value = member.integerValue, range.contains(value) else {
            throw WebhookRegistration.Problem(
                "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)",
                param: "$.faults.\(name)"
            )
        }
        return value
    }
}
