import AgentRetry

/// A postal address (`Address`).
public struct ACPAddress: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("name", String.self), .required("line_one", String.self), .optional("line_two", String.self),
        .required("city", String.self), .required("state", String.self), .required("country", String.self),
        .required("postal_code", String.self),
    ]

    /// Creates an address from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `name`.
    public var name: String {
        get { self.value("name") ?? "" }
        set { self.setValue("name", newValue) }
    }
    /// `line_one`.
    public var lineOne: String {
        get { self.value("line_one") ?? "" }
        set { self.setValue("line_one", newValue) }
    }
    /// `city`.
    public var city: String {
        get { self.value("city") ?? "" }
        set { self.setValue("city", newValue) }
    }
    /// `country`, ISO 3166-1 alpha-2.
    public var country: String {
        get { self.value("country") ?? "" }
        set { self.setValue("country", newValue) }
    }
    /// `postal_code`.
    public var postalCode: String {
        get { self.value("postal_code") ?? "" }
        set { self.setValue("postal_code", newValue) }
    }
}
