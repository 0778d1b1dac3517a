import AgentRetry

extension MCPBindingBehaviour {
    /// A member of the admin JSON that names no value of its kind.
    struct FormatError: Error, CustomStringConvertible {
        /// The JSON path of the member.
        let parameter: String
        let description: String
    }

    /// This behaviour with the members `json` names changed: `results`, `errors`, `encoding`,
    /// `requires_idempotency_key`. Unknown members are refused.
    func changed(by json: JSONValue) throws(FormatError) -> MCPBindingBehaviour {
        guard let members = json.objectValue else {
            throw FormatError(parameter: "$.mcp", description: "mcp must be an object")
        }
        var changed = self
        for (name, value) in members {
            switch name {
            case "results": changed.results = try Self.member(value, name)
            case "errors": changed.errors = try Self.member(value, name)
            case "encoding": changed.encoding = try Self.member(value, name)
            case "requires_idempotency_key":
                guard let flag = value.boolValue else {
                    throw FormatError(parameter: "$.mcp.\(name)", description: "\(name) must be true or false")
                }
                changed.requiresIdempotencyKey = flag
            default:
                throw FormatError(parameter: "$.mcp.\(name)", description: "unknown member \(name)")
            }
        }
        return changed
    }

    private static func member<Choice: RawRepresentable & CaseIterable>(
        _ value: JSONValue,
        _ name: String
    ) throws(FormatError) -> Choice where Choice.RawValue == String {
        guard let choice = value.stringValue.flatMap(Choice.init(rawValue:)) else {
            let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw FormatError(parameter: "$.mcp.\(name)", description: "\(name) must be one of \(known)")
        }
        return choice
    }
}
