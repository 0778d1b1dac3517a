import AgentRetry

/// A link the merchant shows the buyer (`Link`): terms of use, privacy policy and others.
public struct ACPLink: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("type", String.self), .required("url", String.self), .optional("title", String.self),
    ]

    /// Creates a link from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `type`, such as `terms_of_use`.
    public var type: String {
        get { self.value("type") ?? "" }
        set { self.setValue("type", newValue) }
    }
    /// `url`.
    public var url: String {
        get { self.value("url") ?? "" }
        set { self.setValue("url", newValue) }
    }
}
