/// A webhook that was refused: its signature, its timestamp or its headers did not verify, or a
/// secret given to the verifier was unusable.
///
/// The error names the header involved and says what was wrong with it, but never holds a secret, a
/// signature or a header's value, so it can be logged and returned to the sender as it is. An ACP
/// receiver answers every refusal but ``Code-swift.struct/badSecret`` with 401 and
/// ``acpErrorBody`` (code `invalid_signature`).
public struct WebhookVerificationError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, as an opaque, extensible code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Sendable, Hashable {
            case missingHeader, malformedHeader, timestampTooOld, timestampTooNew, signatureMismatch
            case badSecret, invalidBody
        }

        let base: Base

        /// A header the scheme requires is absent or empty.
        public static let missingHeader = Code(base: .missingHeader)
        /// A header is present but not in the scheme's form: no timestamp, a timestamp that is not a
        /// number of seconds, a signature that is not hex or base64 of the right length, no signature
        /// of a version this verifier knows, or the header repeated.
        public static let malformedHeader = Code(base: .malformedHeader)
        /// The signature matched, but the timestamp is older than the tolerance allows: a replay, or a
        /// delivery delayed beyond the window.
        public static let timestampTooOld = Code(base: .timestampTooOld)
        /// The signature matched, but the timestamp is further in the future than the tolerance allows.
        public static let timestampTooNew = Code(base: .timestampTooNew)
        /// No signature in the header matches the body under any of the verifier's secrets: a tampered
        /// body, a wrong secret, or a forged request.
        public static let signatureMismatch = Code(base: .signatureMismatch)
        /// A secret given to the verifier cannot be used for its scheme (empty, or a Standard Webhooks
        /// secret that is not base64), or no secret was given. A configuration error, not the sender's.
        public static let badSecret = Code(base: .badSecret)
        /// The signature and timestamp verified, but the body is not JSON.
        public static let invalidBody = Code(base: .invalidBody)

        /// A short name with no associated values, fit for a metric label.
        public var description: String { "\(self.base)" }
    }

    /// What was wrong.
    public let code: Code
    /// The scheme of the verifier that refused the webhook.
    public let scheme: WebhookScheme
    /// The header involved, when there is one (its name, never its value).
    public let header: String?
    /// What was wrong in words, never a secret, a signature or a header value.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, scheme: WebhookScheme, header: String? = nil, message: String) {
        self.code = code
        self.scheme = scheme
        self.header = header
        self.message = message
    }

    /// Whether the timestamp was outside the tolerance, in either direction.
    public var isExpired: Bool { self.code == .timestampTooOld || self.code == .timestampTooNew }

    /// One line: the code, the scheme, the header's name and the message.
    public var description: String {
        var text = "WebhookVerificationError.\(self.code) [\(self.scheme)]"
        if let header { text += " \(header)" }
        return text + ": " + self.message
    }
}
