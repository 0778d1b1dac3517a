extension HTTPRequest {
    /// Why the request must not be sent, if anything: checked before a byte leaves (and, by
    /// ``IdempotentClient``, before anything is stored). The URL is read by ``RequestTarget``.
    func validationProblem() -> (code: HTTPTransportError.Code, message: String)? {
        do {
            try RequestTarget.validate(self.url)
        } catch {
            return (.invalidRequest, error.message)
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
