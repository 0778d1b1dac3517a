/// Why a checkout found no ACP version both sides speak: what each side supports and what each
/// version tried got.
public struct ACPVersionMismatch: Sendable, Hashable {
    /// One version tried and the merchant's answer.
    public struct Attempt: Sendable, Hashable {
        /// The version the create was sent in.
        public var version: ACPVersion
        /// What it got, such as `400 unsupported_api_version` or `500 text/plain`.
        public var answer: String

        /// Creates an attempt.
        public init(version: ACPVersion, answer: String) {
            self.version = version
            self.answer = answer
        }
    }

    /// The versions this client speaks, newest first.
    public var clientVersions: [ACPVersion]
    /// The versions the merchant said it speaks (`supported_versions`, or its discovery document);
    /// empty when it never said.
    public var merchantVersions: [ACPVersion]
    /// The versions tried, in order, and what each got.
    public var attempts: [Attempt]

    /// Creates a mismatch.
    public init(clientVersions: [ACPVersion], merchantVersions: [ACPVersion], attempts: [Attempt]) {
        self.clientVersions = clientVersions
        self.merchantVersions = merchantVersions
        self.attempts = attempts
    }
}
