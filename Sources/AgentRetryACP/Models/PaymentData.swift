import AgentRetry

/// How the buyer pays (`PaymentData`): a handler and an instrument carrying a credential token, or
/// a purchase order number. Before 2026-01-30: `{token, provider, billing_address}`; the accessors read
/// both. ``description`` never shows the token.
public struct PaymentData: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .optional("handler_id", String.self), .optional("instrument", JSONValue.self),
        .optional("billing_address", ACPAddress.self),
        .optional("purchase_order_number", String.self),
        .optional("token", String.self), .optional("provider", String.self),
    ]

    /// Creates payment data from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// A tokenized credential through `handlerID`, such as a Shared Payment Token (`spt`) through
    /// `card_tokenized`.
    public init(
        handlerID: String,
        instrumentType: String = "card",
        credentialType: String = "spt",
        token: String,
        billingAddress: ACPAddress? = nil
    ) {
        self.members = [
            "handler_id": .string(handlerID),
            "instrument": [
                "type": .string(instrumentType),
                "credential": ["type": .string(credentialType), "token": .string(token)],
            ],
        ]
        self.setValue("billing_address", billingAddress)
    }

    /// `handler_id`.
    public var handlerID: String? {
        get { self.value("handler_id") }
        set { self.setValue("handler_id", newValue) }
    }
    /// `instrument.credential.token`, or `token` (before 2026-01-30).
    public var token: String? {
        self.members["instrument"]?["credential"]?["token"]?.stringValue ?? self.members["token"]?.stringValue
    }
    /// `provider`, such as `stripe` (before 2026-01-30).
    public var provider: String? {
        get { self.value("provider") }
        set { self.setValue("provider", newValue) }
    }
}
