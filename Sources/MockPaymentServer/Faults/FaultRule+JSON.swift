import AgentRetry

extension FaultRule {
    /// A rule that cannot be read, with the reason.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the field.
        public let description: String
    }

    /// Reads one rule from its JSON form.
    public init(json: JSONValue) throws(FormatError) {
        guard case .object = json else { throw FormatError(description: "a fault rule must be a JSON object") }
        let match = json["match"] ?? .object([:])
        guard case .object = match else { throw FormatError(description: "match must be an object") }
        guard let actionName = json["action"]?.stringValue else { throw FormatError(description: "action is required") }
        let milliseconds = json["ms"]?.integerValue
        func requireMilliseconds() throws(FormatError) -> Int {
            guard let milliseconds, milliseconds >= 0 else {
                throw FormatError(description: "\(actionName) needs ms, a whole number of milliseconds")
            }
            return milliseconds
        }
        let action: Action
        switch actionName {
        case "drop_after_commit": action = .dropAfterCommit
        case "stall_after_commit": action = .stallAfterCommit(milliseconds: try requireMilliseconds())
        case "reset_before_commit": action = .resetBeforeCommit
        case "latency": action = .latency(milliseconds: try requireMilliseconds())
        case "truncate_body": action = .truncateBody
        case "garbage": action = .garbage
        case "status_before", "status_after_commit":
            // 1xx is not a final answer: HTTP servers cannot send it as one.
            guard let status = json["status"]?.integerValue, (200...599).contains(status) else {
                throw FormatError(description: "\(actionName) needs status, an HTTP status code from 200 to 599")
            }
            if actionName == "status_after_commit" {
                action = .statusAfterCommit(status: status)
            } else {
                let retryAfter = json["retry_after"].flatMap { $0.integerValue.map(String.init) ?? $0.stringValue }
                if let retryAfter, !retryAfter.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
                    throw FormatError(description: "retry_after must be seconds or an HTTP-date, printable ASCII only")
                }
                action = .statusBefore(status: status, retryAfter: retryAfter)
            }
        default:
            throw FormatError(description: "unknown action \(actionName)")
        }
        let probability = json["probability"]?.numberValue ?? 1
        guard (0...1).contains(probability) else {
            throw FormatError(description: "probability must be between 0 and 1")
        }
        let count = json["count"]?.integerValue
        if let count, count < 0 { throw FormatError(description: "count must not be negative") }
        self.init(
            method: match["method"]?.stringValue,
            path: match["path"]?.stringValue,
            action: action,
            probability: probability,
            count: count
        )
    }

    /// Reads one rule object, or an array of them.
    public static func rules(json: JSONValue) throws(FormatError) -> [FaultRule] {
        if let array = json.arrayValue {
            var rules: [FaultRule] = []
            for element in array { rules.append(try FaultRule(json: element)) }
            return rules
        }
        return [try FaultRule(json: json)]
    }

    /// The rule's JSON form.
    public var json: JSONValue {
        var match: [String: JSONValue] = [:]
        if let method { match["method"] = .string(method) }
        if let path { match["path"] = .string(path) }
        var object: [String: JSONValue] = [
            "match": .object(match), "action": .string(self.action.name), "probability": .number(self.probability),
        ]
        if let count { object["count"] = .number(Double(count)) }
        switch self.action {
        case .stallAfterCommit(let milliseconds), .latency(let milliseconds):
            object["ms"] = .number(Double(milliseconds))
        case .statusBefore(let status, let retryAfter):
            object["status"] = .number(Double(status))
            if let retryAfter { object["retry_after"] = .string(retryAfter) }
        case .statusAfterCommit(let status):
            object["status"] = .number(Double(status))
        default:
            break
        }
        return .object(object)
    }
}
