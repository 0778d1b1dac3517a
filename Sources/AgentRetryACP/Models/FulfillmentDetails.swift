import AgentRetry

/// Who receives the order and where (`FulfillmentDetails`).
public struct FulfillmentDetails: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .optional("name", String.self), .optional("phone_number", String.self), .optional("email", String.self),
        .optional("address", ACPAddress.self),
    ]

    /// Creates details from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `name`.
    public var name: String? {
        get { self.value("name") }
        set { self.setValue("name", newValue) }
    }
    /// `address`.
    public var address: ACPAddress? {
        get { self.value("address") }
        set { self.setValue("address", newValue) }
    }
}
