import AgentRetry

/// What a merchant publishes about its ACP endpoint (`DiscoveryResponse`): versions, base URL,
/// transports and capabilities.
public struct ACPDiscoveryResponse: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("protocol", JSONValue.self), .required("api_base_url", String.self),
        .optional("transports", [String].self),
        .optional("capabilities", JSONValue.self),
    ]

    /// Creates a response from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `api_base_url`.
    public var apiBaseURL: String {
        get { self.value("api_base_url") ?? "" }
        set { self.setValue("api_base_url", newValue) }
    }
    /// `protocol.supported_versions`, if listed.
    public var supportedVersions: [String] {
        self.members["protocol"]?["supported_versions"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
