import AgentRetry

/// A value an ACP field can hold: converted from and to its JSON form, with the JSONPath of the
/// field in every error.
public protocol ACPValue: Sendable {
    /// Reads the value from JSON, or throws an error naming `path`.
    init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError)
    /// The value as JSON.
    var acpJSON: JSONValue { get }
}

extension String: ACPValue {
    /// Reads a JSON string.
    public init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError) {
        guard case .string(let value) = json else { throw .typeMismatch(path, expected: "a string", found: json) }
        self = value
    }

    /// The JSON string.
    public var acpJSON: JSONValue { .string(self) }
}

extension Int: ACPValue {
    /// Reads a JSON number without a fractional part (ACP amounts are integer minor units).
    public init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError) {
        guard let value = json.integerValue else { throw .typeMismatch(path, expected: "an integer", found: json) }
        self = value
    }

    /// The JSON number.
    public var acpJSON: JSONValue { .number(Double(self)) }
}

extension Bool: ACPValue {
    /// Reads a JSON Boolean.
    public init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError) {
        guard case .bool(let value) = json else { throw .typeMismatch(path, expected: "a Boolean", found: json) }
        self = value
    }

    /// The JSON Boolean.
    public var acpJSON: JSONValue { .bool(self) }
}

extension JSONValue: ACPValue {
    /// Any JSON value, kept as it is.
    public init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError) { self = json }

    /// The value itself.
    public var acpJSON: JSONValue { self }
}

extension Array: ACPValue where Element: ACPValue {
    /// Reads a JSON array whose every element reads as `Element`.
    public init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError) {
        guard case .array(let elements) = json else { throw .typeMismatch(path, expected: "an array", found: json) }
        var values: [Element] = []
        values.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            values.append(try Element(acpJSON: element, path: "\(path)[\(index)]"))
        }
        self = values
    }

    /// The JSON array.
    public var acpJSON: JSONValue { .array(self.map(\.acpJSON)) }
}
