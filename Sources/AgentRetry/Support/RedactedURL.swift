/// Removes credentials from URLs, and from texts that may quote them, before they are printed.
enum RedactedURL {
    /// The URL without its `user:password@` part; everything else is kept.
    static func removingCredentials(from url: String) -> String {
        guard let range = self.credentialsRange(in: url) else { return url }
        return String(url[..<range.lowerBound]) + url[range.upperBound...]
    }

    /// `text` with the credentials of any of `urls` replaced by `***`: libcurl's messages can quote
    /// a proxy or request URL whole.
    static func scrubbingCredentials(in text: String, of urls: [String]) -> String {
        var text = text
        for url in urls {
            guard let range = self.credentialsRange(in: url) else { continue }
            let credentials = url[range].dropLast()
            if !credentials.isEmpty {
                text = text.replacing(credentials, with: "***")
            }
        }
        return text
    }

    /// The range of `user:password@`, the `@` included, if the URL has one.
    ///
    /// The authority normally ends at the first `/`; a password holding an unencoded `/` ends it
    /// early, leaving `user:pass` where `host:port` should be. A "port" that is not a number is
    /// taken as that sign, and the credentials then run to the last `@`.
    static func credentialsRange(in url: String) -> Range<String.Index>? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let authorityStart = schemeEnd.upperBound
        let rest = url[authorityStart...]
        let head = rest.prefix { $0 != "/" }
        if let at = head.lastIndex(of: "@") {
            return authorityStart..<url.index(after: at)
        }
        let hostAndPort = head.prefix { $0 != "?" && $0 != "#" }
        guard !hostAndPort.hasPrefix("["), let colon = hostAndPort.firstIndex(of: ":") else { return nil }
        let port = hostAndPort[hostAndPort.index(after: colon)...]
        guard !port.allSatisfy(\.isASCIIDigitCharacter), let at = rest.lastIndex(of: "@") else { return nil }
        return authorityStart..<url.index(after: at)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool {
        self >= "0" && self <= "9"
    }
}
