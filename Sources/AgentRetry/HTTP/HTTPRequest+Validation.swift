extension HTTPRequest {
    /// Why the request must not be sent, if anything: checked before a byte leaves.
    func validationProblem() -> (code: HTTPTransportError.Code, message: String)? {
        let lowered = self.url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            return (.invalidRequest, "the URL is not an absolute http or https URL")
        }
        if self.url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            return (.invalidRequest, "the URL contains a space or a control character")
        }
        if self.method.rawValue.isEmpty || !self.method.rawValue.utf8.allSatisfy(HTTPHeaders.isTokenByte) {
            return (.invalidRequest, "the method is not an RFC 9110 token")
        }
        if self.method == .head && self.body != nil {
            return (.invalidRequest, "a HEAD request cannot carry a body")
        }
        if let problem = self.headers.firstInvalidField() {
            return (.invalidHeader, problem)
        }
        return nil
    }

    /// Whether the URL's scheme is `https`.
    var isHTTPS: Bool {
        self.url.utf8.count >= 8 && self.url.prefix(8).lowercased() == "https://"
    }
}
