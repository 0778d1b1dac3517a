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
            /// `port` is not from 0 to 65535.
            public static let invalidPort = Code(rawValue: "invalid_port")
            /// `idleTimeout` is zero or negative.
            public static let invalidIdleTimeout = Code(rawValue: "invalid_idle_timeout")
            /// `maximumConnections` is less than 1.
            public static let invalidMaximumConnections = Code(rawValue: "invalid_maximum_connections")
            /// `adminToken` is empty or has a character that is not printable ASCII (or a space).
            public static let invalidAdminToken = Code(rawValue: "invalid_admin_token")
            /// An entry of `allowedHosts` is not a host name or IP address.
            public static let invalidAllowedHost = Code(rawValue: "invalid_allowed_host")
        }

        /// What is wrong.
        public let code: Code
        /// A message naming the offending value (never the admin token's).
        public let description: String
    }
}
