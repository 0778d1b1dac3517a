extension MockPaymentServer {
    /// Every released ACP version, oldest first: what the mock speaks unless told otherwise.
    public static let releasedACPVersions: [String] = ACPVersion.allCases.map(\.rawValue)

    /// Checks a list of ACP version names: every one released, at least one.
    public static func validateACPVersions(_ names: [String]) throws(ConfigurationError) {
        guard !names.isEmpty else {
            throw ConfigurationError(code: .noACPVersion, description: "at least one ACP version must be spoken")
        }
        if case .failure(let unknown) = ACPVersion.parse(names) {
            throw ConfigurationError(code: .unknownACPVersion, description: unknown.description)
        }
    }
}
