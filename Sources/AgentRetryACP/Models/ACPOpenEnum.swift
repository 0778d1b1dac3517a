import AgentRetry

/// An ACP enumeration that tolerates values newer than this code: any string decodes, the known
/// ones have names.
public protocol ACPOpenEnum: ACPValue, RawRepresentable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
where RawValue == String {
    /// Creates the value; unknown strings are kept as they are.
    init(rawValue: String)
}

extension ACPOpenEnum {
    /// Reads the value from a JSON string.
    public init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError) {
        self.init(rawValue: try String(acpJSON: json, path: path))
    }

    /// The JSON string.
    public var acpJSON: JSONValue { .string(self.rawValue) }

    /// Creates the value from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// The raw string.
    public var description: String { self.rawValue }

    /// Decodes a string.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}
