import AgentRetry
import Crypto
import Foundation

/// Verifies the signature and the timestamp of webhooks of one scheme, under one or more secrets.
///
/// A pure function of the request: give it the headers (names compared case-insensitively), the raw
/// body bytes exactly as they arrived (never re-serialized JSON) and the current time.
///
/// ```swift
/// let verifier = try WebhookVerifier(scheme: .stripe, secrets: [WebhookSecret(newSecret), WebhookSecret(oldSecret)])
/// let event = try verifier.verify(headers: request.headers, body: request.body, now: Date())
/// ```
///
/// Every signature in the header is compared with every secret's HMAC-SHA256 in constant time
/// (swift-crypto's `HMAC.isValidAuthenticationCode`), so a sender that signs with the old and the new
/// secret during a rotation, or a verifier that holds both, verifies. The timestamp is checked after
/// the signature: a refusal for the timestamp means the request was authentic but late or replayed.
public struct WebhookVerifier: Sendable, CustomStringConvertible, CustomReflectable {
    /// What the verifier tolerates.
    public struct Configuration: Sendable, Hashable {
        /// How far the signed timestamp may be from `now`, in the past or in the future. Default 300 s,
        /// the tolerance the ACP specification and Stripe recommend and Standard Webhooks' libraries
        /// use. Whole seconds count; a negative tolerance counts as zero.
        public var tolerance: Duration

        /// Creates a configuration.
        public init(tolerance: Duration = .seconds(300)) {
            self.tolerance = tolerance
        }

        var toleranceSeconds: Int64 { max(0, self.tolerance.components.seconds) }
    }

    /// The scheme the verifier reads.
    public let scheme: WebhookScheme
    /// What it tolerates.
    public let configuration: Configuration
    private let keys: [[UInt8]]

    /// Creates a verifier for `scheme` that accepts a signature made with any of `secrets`.
    ///
    /// - Throws: ``WebhookVerificationError`` with ``WebhookVerificationError/Code-swift.struct/badSecret``
    ///   when `secrets` is empty or one of them is unusable for the scheme.
    public init(
        scheme: WebhookScheme,
        secrets: [WebhookSecret],
        configuration: Configuration = Configuration()
    ) throws(WebhookVerificationError) {
        guard !secrets.isEmpty else {
            throw WebhookVerificationError(.badSecret, scheme: scheme, message: "no secret was given")
        }
        var keys: [[UInt8]] = []
        for secret in secrets { keys.append(try secret.key(for: scheme)) }
        self.scheme = scheme
        self.configuration = configuration
        self.keys = keys
    }

    /// Verifies one webhook request and returns what it said.
    ///
    /// - Parameters:
    ///   - headers: the request's headers; names compare case-insensitively.
    ///   - body: the raw body bytes, as received.
    ///   - now: the current time, which the signed timestamp must be within the tolerance of.
    /// - Throws: ``WebhookVerificationError``: a missing or malformed header, no matching signature,
    ///   a timestamp outside the tolerance, or a verified body that is not JSON.
    public func verify(
        headers: HTTPHeaders,
        body: [UInt8],
        now: Date
    ) throws(WebhookVerificationError)
        -> VerifiedWebhook
    {
        let signed = try SignedParts(scheme: self.scheme, headers: headers)
        let content = signed.prefix + body
        guard self.matches(signed.signatures, content: content) else {
            throw WebhookVerificationError(
                .signatureMismatch,
                scheme: self.scheme,
                header: self.scheme.signatureHeader,
                message: "no signature matches the body under the \(self.keys.count) secret(s)"
            )
        }
        try self.checkTimestamp(signed.timestamp, now: now)
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw WebhookVerificationError(.invalidBody, scheme: self.scheme, message: "the body is not JSON")
        }
        let eventID = self.scheme == .stripe ? json["id"]?.stringValue : signed.eventID
        return VerifiedWebhook(
            scheme: self.scheme,
            eventID: eventID,
            timestamp: signed.timestamp,
            body: json,
            rawBody: body
        )
    }

    /// Verifies one webhook request whose headers are a dictionary (names compare case-insensitively).
    public func verify(
        headers: [String: String],
        body: [UInt8],
        now: Date
    ) throws(WebhookVerificationError)
        -> VerifiedWebhook
    {
        try self.verify(headers: HTTPHeaders(headers.map { ($0.key, $0.value) }), body: body, now: now)
    }

    /// Whether any signature is any key's HMAC-SHA256 of `content`, each compared in constant time.
    private func matches(_ signatures: [[UInt8]], content: [UInt8]) -> Bool {
        var matched = false
        for key in self.keys {
            let symmetricKey = SymmetricKey(data: key)
            for signature in signatures
            where HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: content, using: symmetricKey) {
                matched = true
            }
        }
        return matched
    }

    private func checkTimestamp(_ timestamp: Int64, now: Date) throws(WebhookVerificationError) {
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let age = nowSeconds - timestamp
        let tolerance = self.configuration.toleranceSeconds
        if age > tolerance {
            throw WebhookVerificationError(
                .timestampTooOld,
                scheme: self.scheme,
                message: "the signed timestamp is \(age) s in the past; the tolerance is \(tolerance) s"
            )
        }
        if -age > tolerance {
            throw WebhookVerificationError(
                .timestampTooNew,
                scheme: self.scheme,
                message: "the signed timestamp is \(-age) s in the future; the tolerance is \(tolerance) s"
            )
        }
    }

    /// The scheme, the tolerance and how many secrets; never a secret.
    public var description: String {
        "WebhookVerifier(\(self.scheme), tolerance: \(self.configuration.toleranceSeconds) s, "
            + "secrets: \(self.keys.count) redacted)"
    }

    /// The scheme, the configuration and how many secrets, so that `dump` shows no key.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "scheme": self.scheme, "configuration": self.configuration, "secrets": "\(self.keys.count) redacted",
            ]
        )
    }
}
