import Crypto

/// Derives idempotency keys from intents: HMAC-SHA256 under a namespace secret over the intent's
/// RFC 8785 canonical form.
///
/// The same intent gives the same key in any process on any machine that holds the secret; any
/// change to the intent gives a different key; without the secret a key cannot be guessed, so a
/// key leaks nothing about the task and cannot be forged to collide with another agent's.
public struct IdempotencyKeyDeriver: Sendable {
    /// The namespace secret. It is never printed: its description is a placeholder.
    public struct Secret: Sendable, CustomStringConvertible, CustomReflectable {
        /// The secret's bytes, for storing it; handle with care.
        public let bytes: [UInt8]

        /// A secret of at least 16 bytes.
        public init(bytes: [UInt8]) throws(IdempotencyKeyError) {
            guard bytes.count >= 16 else {
                throw IdempotencyKeyError(code: .secretTooShort, message: "a namespace secret needs at least 16 bytes")
            }
            self.bytes = bytes
        }

        /// A new random 256-bit secret.
        public static func random() -> Secret {
            Secret(unchecked: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        }

        private init(unchecked bytes: [UInt8]) {
            self.bytes = bytes
        }

        var key: SymmetricKey { SymmetricKey(data: self.bytes) }

        /// A placeholder: the secret itself is never printed.
        public var description: String { "IdempotencyKeyDeriver.Secret(redacted)" }

        /// No children: `dump` shows nothing of the secret either.
        public var customMirror: Mirror { Mirror(self, children: []) }
    }

    let secret: Secret

    /// Creates a deriver for one namespace secret.
    public init(secret: Secret) {
        self.secret = secret
    }

    /// The key of an intent.
    /// - Parameters:
    ///   - intent: What the agent is trying to do once.
    ///   - format: How the key is written. Defaults to ``IdempotencyKey/Format/standard``.
    ///   - maximumLength: The PSP's key length limit; a format that does not fit is an error.
    public func key(
        for intent: IdempotencyIntent,
        format: IdempotencyKey.Format = .standard,
        maximumLength: Int = 255
    ) throws(IdempotencyKeyError) -> IdempotencyKey {
        guard format.length <= maximumLength else {
            throw IdempotencyKeyError(
                code: .keyTooLong,
                message: "a \(format) key has \(format.length) characters; the limit is \(maximumLength)"
            )
        }
        let canonical: [UInt8]
        do {
            canonical = try intent.canonicalForm()
        } catch {
            throw IdempotencyKeyError(code: .intentNotCanonicalizable, message: error.description)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: canonical, using: self.secret.key)
        return IdempotencyKey(rawValue: format.render(Array(mac)))
    }
}

/// A key that cannot be derived.
public struct IdempotencyKeyError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable { case secretTooShort, keyTooLong, intentNotCanonicalizable }
        let base: Base
        /// The namespace secret has fewer than 16 bytes.
        public static let secretTooShort = Code(base: .secretTooShort)
        /// The chosen format is longer than the PSP accepts.
        public static let keyTooLong = Code(base: .keyTooLong)
        /// The intent holds a value JSON cannot (NaN, infinity).
        public static let intentNotCanonicalizable = Code(base: .intentNotCanonicalizable)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What went wrong.
    public let code: Code
    /// Why, never quoting the secret.
    public let message: String

    /// The code and the reason.
    public var description: String { "IdempotencyKeyError.\(self.code): \(self.message)" }
}
