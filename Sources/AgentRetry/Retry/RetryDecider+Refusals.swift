import Foundation

extension RetryDecider {
    /// The call error of a transport failure that proves the request never left, if it is one:
    /// `invalidRequest` for a request the transport (or libcurl) would not build, `refusedByTransport`
    /// for another definitive failure before sending (certificate verification, say).
    ///
    /// A ``FailureClass/definitive`` failure other than a body over the cap means no request byte
    /// can have left (see `CurlResultCode.failureClass(given:)`).
    static func refusal(_ error: HTTPTransportError) -> IdempotentCallError.Code? {
        if error.code == .invalidRequest || error.code == .invalidHeader { return .invalidRequest }
        guard error.failureClass == .definitive, error.code != .responseBodyTooLarge, error.wireSends == 0 else {
            return nil
        }
        let unbuildable: [CurlResultCode] = [.unsupportedProtocol, .urlMalformat, .notBuiltIn, .badFunctionArgument]
        if let code = error.curlCode, unbuildable.contains(code) { return .invalidRequest }
        return .refusedByTransport
    }

    /// The server answered, and its body was over the transport's limit: the status is known, so
    /// it decides, never a definitive failure. A 2xx is a success kept without its body (marked
    /// with ``IdempotentResult/bodyOmittedHeader``); a status worth re-sending is re-sent; any other
    /// is pending until a lookup (the caller's, if any) says what happened.
    mutating func oversized(_ error: HTTPTransportError, now: Date, jitter: Double) -> Step {
        self.mayHaveBeenProcessed = true
        if let status = error.responseStatus {
            let head = HTTPResponse(
                status: status,
                headers: [IdempotentResult.bodyOmittedHeader: "the body was over the transport's size limit; not kept"],
                wireSends: error.wireSends
            )
            switch self.policy.verdict(for: head, profile: self.settings.profile, now: now) {
            case .succeeded:
                if let anchor = self.settings.anchor { self.record.anchor = anchor(head) ?? self.record.anchor }
                return self.finish(.succeeded, head, replayed: false, now: now)
            case .retry(let reason, let serverDelay):
                return self.retry(reason, serverDelay: serverDelay, response: nil, now: now, jitter: jitter)
            case .failed, .conflict:
                break
            }
        }
        guard self.settings.canLookUp else {
            let message =
                "the server answered \(error.responseStatus.map(String.init) ?? "(status not read)") "
                + "with a body over the transport's size limit; the outcome is pending until it is looked up"
            return self.stop(failing: self.error(.responseBodyTooLarge, message), now: now)
        }
        let pending = self.written(.pending, now: now)
        return self.lookUp(.oversizedAnswer(status: error.responseStatus), persist: pending)
    }
}
