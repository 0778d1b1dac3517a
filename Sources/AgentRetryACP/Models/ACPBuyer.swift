import AgentRetry

/// The buyer (`Buyer`).
public struct ACPBuyer: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("email", String.self), .optional("first_name", String.self), .optional("last_name", String.self),
        .optional("full_name", String.self), .optional("phone_number", String.self),
    ]

    /// Creates a buyer from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `email`.
    public var email: String {
        get { self.value("email") ?? "" }
        set { self.setValue("email", newValue) }
    }
    /// `first_name`.
    public var firstName: String? {
        get { self.value("first_name") }
        set { self.setValue("first_name", newValue) }
    }
    /// `last_name`.
    public var lastName: String? {
        get { self.value("last_name") }
        set { self.setValue("last_name", newValue) }
    }
}
