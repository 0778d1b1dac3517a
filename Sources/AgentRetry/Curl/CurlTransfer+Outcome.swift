extension CurlTransfer {
    /// The response, or the classified error, for a transfer the loop thread let go of.
    func outcome(of ending: Ending) -> Result<HTTPResponse, HTTPTransportError> {
        let info = self.enteredMulti ? self.easy.readInfo() : CurlTransferInfo()
        let evidence = info.evidence(wireSends: self.wireSends)
        let status = info.responseCode > 0 ? info.responseCode : nil
        switch ending {
        case .finished(.ok):
            let response = HTTPResponse(
                status: info.responseCode,
                headers: Self.parseHeaderBlock(self.headerBytes),
                body: self.body,
                httpVersion: info.httpVersionText,
                wireSends: self.wireSends,
                metrics: info.metrics
            )
            return .success(response)
        case .interrupted(let code, let message):
            let failureClass: FailureClass = evidence.requestMayHaveLeft ? .mayHaveBeenProcessed : .notSent
            return .failure(self.error(code, failureClass, nil, info, status: nil, message: message))
        case .finished(let code), .refused(let code):
            if self.bodyCapExceeded || code == .filesizeExceeded {
                let message = "response body larger than the \(self.options.maximumResponseBodySize)-byte limit"
                return .failure(
                    self.error(.responseBodyTooLarge, .definitive, code, info, status: status, message: message)
                )
            }
            if self.resendBlocked {
                let message =
                    "the reused connection closed before any response byte arrived; libcurl would have "
                    + "re-sent the \(self.method) request and the StaleConnectionResend policy forbids it"
                return .failure(
                    self.error(.resendPrevented, .mayHaveBeenProcessed, code, info, status: status, message: message)
                )
            }
            let raw = self.easy.errorMessage.isEmpty ? code.description : self.easy.errorMessage
            let message = RedactedURL.scrubbingCredentials(
                in: raw,
                of: [self.url] + (self.options.proxy.map { [$0] } ?? [])
            )
            let failureClass = code.failureClass(given: evidence)
            return .failure(self.error(.curl(code), failureClass, code, info, status: status, message: message))
        }
    }

    private func error(
        _ code: HTTPTransportError.Code,
        _ failureClass: FailureClass,
        _ curlCode: CurlResultCode?,
        _ info: CurlTransferInfo,
        status: Int?,
        message: String
    ) -> HTTPTransportError {
        HTTPTransportError(
            code: code,
            failureClass: failureClass,
            curlCode: curlCode,
            message: message,
            method: self.method,
            url: self.url,
            wireSends: self.wireSends,
            responseStatus: status,
            metrics: info.metrics
        )
    }

    /// Parses the final response's header lines (its status line first), folding obsolete
    /// continuation lines into the field before them.
    static func parseHeaderBlock(_ bytes: [UInt8]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        for rawLine in lines.dropFirst() {
            var line = rawLine[...]
            while let last = line.last, last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard let first = line.first else { continue }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                headers.appendToLastValue(String(decoding: line, as: UTF8.self).trimmingWhitespace())
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: line[..<colon], as: UTF8.self)
                let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace()
                headers.add(name: name, value: value)
            }
        }
        return headers
    }
}

extension HTTPHeaders {
    /// Folds an obsolete continuation line into the previous field's value.
    mutating func appendToLastValue(_ continuation: String) {
        guard let last = self.popLast() else { return }
        self.add(name: last.name, value: last.value + " " + continuation)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
