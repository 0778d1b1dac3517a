import AgentRetry

/// A message about a session (`MessageInfo`, `MessageWarning`, `MessageError`), told apart by
/// ``type``. Errors in `messages[]` arrive on 2xx responses: business problems, not HTTP errors.
public struct ACPMessage: ACPObject {
    /// `info`, `warning` or `error`. Values newer than this code are kept as they are.
    public struct Kind: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `info`.
        public static let info: Kind = "info"
        /// `warning`.
        public static let warning: Kind = "warning"
        /// `error`.
        public static let error: Kind = "error"
    }

    /// The code of a warning or an error. Values newer than this code are kept as they are.
    public struct Code: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `missing`: a required field is missing.
        public static let missing: Code = "missing"
        /// `invalid`.
        public static let invalid: Code = "invalid"
        /// `out_of_stock`.
        public static let outOfStock: Code = "out_of_stock"
        /// `payment_declined`: terminal for the credential used.
        public static let paymentDeclined: Code = "payment_declined"
        /// `requires_sign_in`.
        public static let requiresSignIn: Code = "requires_sign_in"
        /// `requires_3ds`.
        public static let requires3DS: Code = "requires_3ds"
        /// `low_stock`.
        public static let lowStock: Code = "low_stock"
        /// `quantity_exceeded`.
        public static let quantityExceeded: Code = "quantity_exceeded"
        /// `expired`.
        public static let expired: Code = "expired"
        /// `intervention_required`.
        public static let interventionRequired: Code = "intervention_required"
    }

    /// Who resolves the message.
    public struct Resolution: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates a resolution.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `recoverable`: the agent can fix it through the API.
        public static let recoverable: Resolution = "recoverable"
        /// `requires_buyer_input`: the buyer must provide information.
        public static let requiresBuyerInput: Resolution = "requires_buyer_input"
        /// `requires_buyer_review`: the buyer must authorize.
        public static let requiresBuyerReview: Resolution = "requires_buyer_review"
    }

    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("type", Kind.self), .optional("code", Code.self), .optional("param", String.self),
        .optional("content_type", String.self), .optional("content", String.self), .optional("severity", String.self),
        .optional("resolution", Resolution.self),
    ]

    /// Creates a message from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `type`.
    public var type: Kind {
        get { self.value("type") ?? "" }
        set { self.setValue("type", newValue) }
    }
    /// `code` (warnings and errors).
    public var code: Code? {
        get { self.value("code") }
        set { self.setValue("code", newValue) }
    }
    /// `param`: the JSONPath the message is about.
    public var param: String? {
        get { self.value("param") }
        set { self.setValue("param", newValue) }
    }
    /// `content`: text for the buyer.
    public var content: String {
        get { self.value("content") ?? "" }
        set { self.setValue("content", newValue) }
    }
    /// `resolution`.
    public var resolution: Resolution? {
        get { self.value("resolution") }
        set { self.setValue("resolution", newValue) }
    }
}
