/// Removes credentials from URLs before they are printed.
enum RedactedURL {
    /// The URL without a `user:password@` part in its authority; everything else is kept.
    static func removingCredentials(from url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let rest = url[authorityStart...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        let authority = url[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + url[url.index(after: at)...]
    }
}
