extension HTTPRequest: CustomStringConvertible, CustomReflectable {
    /// The method, the URL without credentials, the header names and the body's size: never a
    /// header value or body bytes, which can be secrets.
    public var description: String {
        let body = self.body.map { "\($0.count)-byte body" } ?? "no body"
        return "\(self.method) \(RedactedURL.removingCredentials(from: self.url)) \(self.headers), \(body)"
    }

    /// The same as ``description``, so that `dump` and debuggers print no secret either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": self.method.rawValue,
                "url": RedactedURL.removingCredentials(from: self.url),
                "headerNames": self.headers.map(\.name),
                "bodyByteCount": self.body?.count as Any,
            ]
        )
    }
}
