import AgentRetry

/// A protocol error body (`Error`), sent with a 4xx or 5xx status when no valid session can be
/// returned: flat, no envelope.
public struct ACPError: ACPObject {
    /// The error's type. Values newer than this code are kept as they are.
    public struct Kind: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates a type.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `invalid_request`: every idempotency error, and bad input.
        public static let invalidRequest: Kind = "invalid_request"
        /// `processing_error`.
        public static let processingError: Kind = "processing_error"
        /// `service_unavailable`.
        public static let serviceUnavailable: Kind = "service_unavailable"
    }

    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("type", Kind.self), .required("code", String.self), .required("message", String.self),
        .optional("param", String.self), .optional("supported_versions", [String].self),
    ]

    /// Creates an error body from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `type`.
    public var type: Kind {
        get { self.value("type") ?? "" }
        set { self.setValue("type", newValue) }
    }
    /// `code`: implementation-defined, such as `idempotency_conflict`, `requires_3ds`, `invalid_item_id`.
    public var code: String {
        get { self.value("code") ?? "" }
        set { self.setValue("code", newValue) }
    }
    /// `message`.
    public var message: String {
        get { self.value("message") ?? "" }
        set { self.setValue("message", newValue) }
    }
    /// `param`: the JSONPath of the offending field.
    public var param: String? {
        get { self.value("param") }
        set { self.setValue("param", newValue) }
    }
}
