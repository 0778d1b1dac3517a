import Foundation

/// A webhook signing secret, held so that it is never printed.
///
/// Give the secret as the sender shows it (``init(_:)``): the verifier reads it as its scheme says.
/// For ACP and Stripe the key is the string's UTF-8 bytes (Stripe's `whsec_...` included whole); for
/// Standard Webhooks it is the base64 after the `whsec_` prefix (the prefix is optional). A secret
/// made of raw key bytes (``init(keyBytes:)``) is used as it is by every scheme.
///
/// `description`, `debugDescription` and `dump` show `WebhookSecret(redacted)` only.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    enum Storage: Sendable, Hashable {
        case text(String)
        case bytes([UInt8])
    }

    let storage: Storage

    /// A secret as the sender shows it, e.g. `whsec_...`. Surrounding white space (a newline at the end
    /// of a secret file) is removed.
    public init(_ text: String) {
        self.storage = .text(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A secret given as the HMAC key's bytes.
    public init(keyBytes: [UInt8]) {
        self.storage = .bytes(keyBytes)
    }

    /// The prefix of a Standard Webhooks symmetric secret.
    static let standardWebhooksPrefix = "whsec_"

    /// The HMAC key this secret stands for under `scheme`.
    func key(for scheme: WebhookScheme) throws(WebhookVerificationError) -> [UInt8] {
        let key: [UInt8]
        switch (self.storage, scheme.base) {
        case (.bytes(let bytes), _):
            key = bytes
        case (.text(let text), .acp), (.text(let text), .stripe):
            key = Array(text.utf8)
        case (.text(let text), .standardWebhooks):
            key = try Self.standardWebhooksKey(text)
        }
        guard !key.isEmpty else {
            throw WebhookVerificationError(.badSecret, scheme: scheme, message: "a secret is empty")
        }
        return key
    }

    private static func standardWebhooksKey(_ text: String) throws(WebhookVerificationError) -> [UInt8] {
        var encoded = Substring(text)
        if encoded.hasPrefix(Self.standardWebhooksPrefix) {
            encoded = encoded.dropFirst(Self.standardWebhooksPrefix.count)
        }
        let padding = String(repeating: "=", count: (4 - encoded.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: String(encoded) + padding) else {
            throw WebhookVerificationError(
                .badSecret,
                scheme: .standardWebhooks,
                message: "a secret is not whsec_ followed by base64"
            )
        }
        return Array(data)
    }

    /// `WebhookSecret(redacted)`.
    public var description: String { "WebhookSecret(redacted)" }

    /// `WebhookSecret(redacted)`.
    public var debugDescription: String { self.description }

    /// No children, so that `dump` and debuggers show nothing of the secret.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
