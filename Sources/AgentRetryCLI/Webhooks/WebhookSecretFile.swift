import AgentRetryWebhooks
import ArgumentParser
import Foundation

/// The secrets of `webhooks listen --secret-file F`: one per line (several during a rotation),
/// blank lines and lines starting with `#` skipped. Never printed: an error names the file and the
/// line, not what it holds.
enum WebhookSecretFile {
    /// The largest file read.
    static let maximumSize = 64 * 1024

    /// Reads the secrets at `path` and checks that `scheme` can use every one.
    static func verifier(
        path: String,
        scheme: WebhookScheme,
        configuration: WebhookVerifier.Configuration
    ) throws -> WebhookVerifier {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--secret-file: cannot read \(path)")
        }
        guard data.count <= Self.maximumSize, let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("--secret-file: \(path) is not a text file of at most 64 KiB")
        }
        let secrets = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map(WebhookSecret.init)
        do {
            return try WebhookVerifier(scheme: scheme, secrets: secrets, configuration: configuration)
        } catch {
            throw ValidationError("--secret-file: \(path): \(error.message)")
        }
    }
}
