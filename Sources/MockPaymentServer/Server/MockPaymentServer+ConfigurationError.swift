extension MockPaymentServer {
    /// A configuration the server cannot start with.
    public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, as a stable value to compare.
        public struct Code: Hashable, Sendable {
            let rawValue: String
            /// `acpVersions` names a version that is not a released ACP version.
            public static let unknownACPVersion = Code(rawValue: "unknown_acp_version")
            /// `acpVersions` is empty.
            public static let noACPVersion = Code(rawValue: "no_acp_version")
        }

        /// What is wrong.
        public let code: Code
        /// A message naming the offending value.
        public let description: String
    }
}
