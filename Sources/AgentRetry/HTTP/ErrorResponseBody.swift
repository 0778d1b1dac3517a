/// An error response's body, read the way merchants and PSPs really write it.
///
/// Four envelopes are read, first match wins:
///
/// - ``Envelope-swift.enum/validation``: FastAPI/pydantic's `{"detail": [{"type", "loc", "msg"}, ...]}`, one
///   entry per refused field (``fields``).
/// - ``Envelope-swift.enum/detail``: `{"detail": {"type", "code", "message", "param"}}` (FastAPI's `HTTPException`).
/// - ``Envelope-swift.enum/error``: `{"error": {...}}` (Stripe, Rails, Express and many others).
/// - ``Envelope-swift.enum/topLevel``: ACP's own flat `{"type", "code", "message", "param"}`.
///
/// A `{"detail": "text"}` or `{"error": "text"}` gives a message only. Strings are cut to
/// ``maximumTextLength`` characters with control characters removed, and at most ``maximumFields``
/// fields are kept, so that a hostile body cannot flood a report or a log.
public struct ErrorResponseBody: Sendable, Hashable {
    /// Where the error's members were found.
    public enum Envelope: String, Sendable, Hashable {
        /// The members at the top level (ACP).
        case topLevel = "top-level"
        /// Inside `error`.
        case error
        /// Inside `detail` (an object or a string).
        case detail
        /// A FastAPI/pydantic validation array in `detail`.
        case validation
    }

    /// One refused field of a validation error.
    public struct FieldError: Sendable, Hashable {
        /// The field as a JSONPath, such as `$.items[0].id` (pydantic's `loc` without its leading `body`).
        public var path: String
        /// The validator's type, such as `missing` or `extra_forbidden`.
        public var type: String?
        /// What the validator said.
        public var message: String?

        /// Creates a field error.
        public init(path: String, type: String? = nil, message: String? = nil) {
            self.path = path
            self.type = type
            self.message = message
        }
    }

    /// Where the members were found.
    public var envelope: Envelope
    /// `type`, such as ACP's `invalid_request` or Stripe's `card_error`.
    public var type: String?
    /// `code`, such as `idempotency_conflict`, `out_of_stock` or `unsupported_api_version`.
    public var code: String?
    /// `message` (`msg` of the first field of a validation error).
    public var message: String?
    /// `param`: the JSONPath of the offending field, when one was named.
    public var param: String?
    /// The refused fields of a validation error.
    public var fields: [FieldError]
    /// `supported_versions`: what the server speaks, newest first, on a version error.
    public var supportedVersions: [String]

    /// The longest string kept from a body.
    public static let maximumTextLength = 500
    /// The most validation fields kept from a body.
    public static let maximumFields = 20

    /// Creates a body.
    public init(
        envelope: Envelope,
        type: String? = nil,
        code: String? = nil,
        message: String? = nil,
        param: String? = nil,
        fields: [FieldError] = [],
        supportedVersions: [String] = []
    ) {
        self.envelope = envelope
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.fields = fields
        self.supportedVersions = supportedVersions
    }

    /// Reads `response`'s body; `nil` when it is not a JSON object in one of the envelopes.
    public init?(_ response: HTTPResponse) {
        self.init(parsing: response.body)
    }

    /// Reads UTF-8 JSON bytes; `nil` when they are not a JSON object in one of the envelopes.
    public init?(parsing body: [UInt8]) {
        guard !body.isEmpty, let json = try? JSONValue(parsing: body), let object = json.objectValue else {
            return nil
        }
        self.init(object: object)
    }

    /// Whether the body is a validation error: a request the server could not accept as written.
    public var isValidationError: Bool { self.envelope == .validation }

    /// The code in lower case, or the type when there is no code.
    var normalizedCode: String? { (self.code ?? self.type)?.lowercased() }
}
