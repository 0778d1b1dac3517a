import Foundation

/// Masks what looks like a credential in a message about the command line: a value given in
/// the wrong place (`agent-retry checkout sk_live_...`) is quoted back by the argument parser,
/// and that message goes to stdout and stderr, where agents log it.
enum SecretRedaction {
    /// Stripe-style keys, webhook secrets, bearer tokens and passwords in URLs.
    private static let patterns: [NSRegularExpression] = [
        #"\b(sk|rk|pk)_(live|test)_[A-Za-z0-9_]+"#, #"\bwhsec_[A-Za-z0-9+/=_-]+"#, #"(?i)\bbearer\s+[^\s'"]+"#,
        #"(?<=://)[^/\s:@'"]+:[^/\s@'"]+(?=@)"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// `message` with every credential-like part replaced by `[redacted]`.
    static func redacting(_ message: String) -> String {
        var text = message
        for pattern in Self.patterns {
            let range = NSRange(text.startIndex..., in: text)
            text = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "[redacted]")
        }
        return text
    }
}
