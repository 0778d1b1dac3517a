import AgentRetry

/// The result of 3D Secure authentication the agent ran for the buyer (`AuthenticationResult`).
public struct AuthenticationResult: ACPObject {
    /// The outcome. Values newer than this code are kept as they are.
    public struct Outcome: ACPOpenEnum {
        /// The raw string.
        public let rawValue: String
        /// Creates an outcome.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `authenticated`.
        public static let authenticated: Outcome = "authenticated"
        /// `attempt_acknowledged`.
        public static let attemptAcknowledged: Outcome = "attempt_acknowledged"
        /// `denied`.
        public static let denied: Outcome = "denied"
    }

    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("outcome", Outcome.self), .optional("outcome_details", JSONValue.self),
    ]

    /// Creates a result from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `outcome`.
    public var outcome: Outcome {
        get { self.value("outcome") ?? "" }
        set { self.setValue("outcome", newValue) }
    }
}
