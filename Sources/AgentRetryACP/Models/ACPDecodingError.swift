import AgentRetry

/// A JSON body that does not have the shape every released ACP version gives it: a required field
/// missing or a field of the wrong type. Unknown fields and unknown enum values are never errors.
public struct ACPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable { case missingField, typeMismatch, invalidJSON }
        let base: Base
        /// A required field is absent (or `null`).
        public static let missingField = Code(base: .missingField)
        /// A field holds a value of another JSON type.
        public static let typeMismatch = Code(base: .typeMismatch)
        /// The bytes are not JSON.
        public static let invalidJSON = Code(base: .invalidJSON)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What is wrong.
    public let code: Code
    /// The RFC 9535 JSONPath of the field, such as `$.line_items[0].quantity`.
    public let path: String
    /// Details; never a field's value (bodies carry payment tokens).
    public let message: String

    /// Creates an error.
    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    static func typeMismatch(_ path: String, expected: String, found: JSONValue) -> ACPDecodingError {
        ACPDecodingError(code: .typeMismatch, path: path, message: "expected \(expected), found \(found.typeName)")
    }

    static func missing(_ path: String) -> ACPDecodingError {
        ACPDecodingError(code: .missingField, path: path, message: "required field is missing")
    }

    /// The code, the path and the details.
    public var description: String { "ACPDecodingError.\(self.code) at \(self.path): \(self.message)" }
}

extension JSONValue {
    /// The JSON type's name, for errors that must not show the value.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a Boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
