/// What libcurl (and the transport's own send counter) saw of one request: how far it got.
struct TransferEvidence: Sendable, Hashable {
    /// Sends the transport observed through libcurl's pre-request callback.
    var wireSends: Int
    /// `CURLINFO_REQUEST_SIZE`: request bytes written, head included, over every send.
    var requestBytes: Int64
    /// `CURLINFO_SIZE_UPLOAD_T`: body bytes uploaded.
    var uploadBytes: Int64
    /// `CURLINFO_PRETRANSFER_TIME_T`: zero until libcurl was about to send the request.
    var pretransferMicroseconds: Int64

    /// Whether any byte of the request can have left this machine.
    ///
    /// Any one sign is enough: the pre-request callback ran, libcurl counted request or body bytes,
    /// or it reached its pre-transfer stage. Only when all four are zero is the request provably unsent.
    var requestMayHaveLeft: Bool {
        self.wireSends > 0 || self.requestBytes > 0 || self.uploadBytes > 0 || self.pretransferMicroseconds > 0
    }
}

extension CurlResultCode {
    /// The failure class of a transfer that ended with this code.
    ///
    /// The class for each code:
    ///
    /// - `UNSUPPORTED_PROTOCOL` 1, `FAILED_INIT` 2, `URL_MALFORMAT` 3, `NOT_BUILT_IN` 4, `BAD_FUNCTION_ARGUMENT` 43,
    ///   `TOO_MANY_REDIRECTS` 47, `UNKNOWN_OPTION` 48: definitive when no request byte can have left;
    ///   mayHaveBeenProcessed otherwise (a server that answers `HTTP/1.7` after processing gets
    ///   `UNSUPPORTED_PROTOCOL`).
    /// - `SSL_ENGINE_NOTFOUND` 53, `SSL_ENGINE_SETFAILED` 54, `SSL_CERTPROBLEM` 58, `SSL_CIPHER` 59,
    ///   `PEER_FAILED_VERIFICATION` 60, `SSL_CACERT_BADFILE` 77, `SSL_CRL_BADFILE` 82, `SSL_ISSUER_ERROR` 83,
    ///   `SSL_PINNEDPUBKEYNOTMATCH` 90, `SSL_INVALIDCERTSTATUS` 91, `SSL_CLIENTCERT` 98: the same, definitive
    ///   unless a request byte can have left.
    /// - `FILESIZE_EXCEEDED` 63, or `WRITE_ERROR` 23 raised by the body cap: definitive (the server answered;
    ///   re-sending brings the same body).
    /// - `GOT_NOTHING` 52, `PARTIAL_FILE` 18, `WEIRD_SERVER_REPLY` 8, `BAD_CONTENT_ENCODING` 61:
    ///   mayHaveBeenProcessed, as they describe the answer to a request that was sent.
    /// - `COULDNT_RESOLVE_HOST` 6, `COULDNT_RESOLVE_PROXY` 5, `COULDNT_CONNECT` 7, `OPERATION_TIMEDOUT` 28,
    ///   `SSL_CONNECT_ERROR` 35, `SEND_ERROR` 55, `RECV_ERROR` 56, `HTTP2` 16, `HTTP2_STREAM` 92,
    ///   `ABORTED_BY_CALLBACK` 42 (cancellation), and every other code: notSent when the evidence shows
    ///   no request byte can have left; mayHaveBeenProcessed otherwise.
    ///
    /// So a connect timeout is `notSent` and a timeout after sending is `mayHaveBeenProcessed`,
    /// although both are `OPERATION_TIMEDOUT`: the code alone does not say how far the request got.
    func failureClass(given evidence: TransferEvidence) -> FailureClass {
        switch self {
        case .unsupportedProtocol, .failedInit, .urlMalformat, .notBuiltIn, .badFunctionArgument,
            .tooManyRedirects, .unknownOption:
            return evidence.requestMayHaveLeft ? .mayHaveBeenProcessed : .definitive
        case .sslEngineNotFound, .sslEngineSetFailed, .sslCertProblem, .sslCipher, .peerFailedVerification,
            .sslCACertBadFile, .sslCRLBadFile, .sslIssuerError, .sslPinnedPublicKeyMismatch,
            .sslInvalidCertStatus, .sslClientCert:
            return evidence.requestMayHaveLeft ? .mayHaveBeenProcessed : .definitive
        case .filesizeExceeded:
            return .definitive
        case .gotNothing, .partialFile, .weirdServerReply, .badContentEncoding:
            return .mayHaveBeenProcessed
        default:
            return evidence.requestMayHaveLeft ? .mayHaveBeenProcessed : .notSent
        }
    }
}
