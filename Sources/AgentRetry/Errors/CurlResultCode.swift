import CCurl

/// A libcurl `CURLcode`, kept as the number libcurl returned.
///
/// Like GRDB's `ResultCode`, the named constants cover the codes the transport reasons about; any
/// other code is still representable by its raw value.
public struct CurlResultCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The `CURLcode` value.
    public let rawValue: Int32

    /// Wraps a `CURLcode` value.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    init(_ code: CURLcode) {
        self.rawValue = Int32(bitPattern: code.rawValue)
    }

    /// `CURLE_OK` (0).
    public static let ok = CurlResultCode(rawValue: 0)
    /// `CURLE_UNSUPPORTED_PROTOCOL` (1).
    public static let unsupportedProtocol = CurlResultCode(rawValue: 1)
    /// `CURLE_FAILED_INIT` (2).
    public static let failedInit = CurlResultCode(rawValue: 2)
    /// `CURLE_URL_MALFORMAT` (3).
    public static let urlMalformat = CurlResultCode(rawValue: 3)
    /// `CURLE_NOT_BUILT_IN` (4).
    public static let notBuiltIn = CurlResultCode(rawValue: 4)
    /// `CURLE_COULDNT_RESOLVE_PROXY` (5).
    public static let couldntResolveProxy = CurlResultCode(rawValue: 5)
    /// `CURLE_COULDNT_RESOLVE_HOST` (6).
    public static let couldntResolveHost = CurlResultCode(rawValue: 6)
    /// `CURLE_COULDNT_CONNECT` (7).
    public static let couldntConnect = CurlResultCode(rawValue: 7)
    /// `CURLE_WEIRD_SERVER_REPLY` (8).
    public static let weirdServerReply = CurlResultCode(rawValue: 8)
    /// `CURLE_HTTP2` (16).
    public static let http2 = CurlResultCode(rawValue: 16)
    /// `CURLE_PARTIAL_FILE` (18).
    public static let partialFile = CurlResultCode(rawValue: 18)
    /// `CURLE_WRITE_ERROR` (23).
    public static let writeError = CurlResultCode(rawValue: 23)
    /// `CURLE_OUT_OF_MEMORY` (27).
    public static let outOfMemory = CurlResultCode(rawValue: 27)
    /// `CURLE_OPERATION_TIMEDOUT` (28).
    public static let operationTimedOut = CurlResultCode(rawValue: 28)
    /// `CURLE_SSL_CONNECT_ERROR` (35).
    public static let sslConnectError = CurlResultCode(rawValue: 35)
    /// `CURLE_ABORTED_BY_CALLBACK` (42).
    public static let abortedByCallback = CurlResultCode(rawValue: 42)
    /// `CURLE_BAD_FUNCTION_ARGUMENT` (43).
    public static let badFunctionArgument = CurlResultCode(rawValue: 43)
    /// `CURLE_TOO_MANY_REDIRECTS` (47).
    public static let tooManyRedirects = CurlResultCode(rawValue: 47)
    /// `CURLE_UNKNOWN_OPTION` (48).
    public static let unknownOption = CurlResultCode(rawValue: 48)
    /// `CURLE_GOT_NOTHING` (52).
    public static let gotNothing = CurlResultCode(rawValue: 52)
    /// `CURLE_SSL_ENGINE_NOTFOUND` (53).
    public static let sslEngineNotFound = CurlResultCode(rawValue: 53)
    /// `CURLE_SSL_ENGINE_SETFAILED` (54).
    public static let sslEngineSetFailed = CurlResultCode(rawValue: 54)
    /// `CURLE_SEND_ERROR` (55).
    public static let sendError = CurlResultCode(rawValue: 55)
    /// `CURLE_RECV_ERROR` (56).
    public static let recvError = CurlResultCode(rawValue: 56)
    /// `CURLE_SSL_CERTPROBLEM` (58).
    public static let sslCertProblem = CurlResultCode(rawValue: 58)
    /// `CURLE_SSL_CIPHER` (59).
    public static let sslCipher = CurlResultCode(rawValue: 59)
    /// `CURLE_PEER_FAILED_VERIFICATION` (60).
    public static let peerFailedVerification = CurlResultCode(rawValue: 60)
    /// `CURLE_BAD_CONTENT_ENCODING` (61).
    public static let badContentEncoding = CurlResultCode(rawValue: 61)
    /// `CURLE_FILESIZE_EXCEEDED` (63).
    public static let filesizeExceeded = CurlResultCode(rawValue: 63)
    /// `CURLE_SSL_CACERT_BADFILE` (77).
    public static let sslCACertBadFile = CurlResultCode(rawValue: 77)
    /// `CURLE_SSL_CRL_BADFILE` (82).
    public static let sslCRLBadFile = CurlResultCode(rawValue: 82)
    /// `CURLE_SSL_ISSUER_ERROR` (83).
    public static let sslIssuerError = CurlResultCode(rawValue: 83)
    /// `CURLE_SSL_PINNEDPUBKEYNOTMATCH` (90).
    public static let sslPinnedPublicKeyMismatch = CurlResultCode(rawValue: 90)
    /// `CURLE_SSL_INVALIDCERTSTATUS` (91).
    public static let sslInvalidCertStatus = CurlResultCode(rawValue: 91)
    /// `CURLE_HTTP2_STREAM` (92).
    public static let http2Stream = CurlResultCode(rawValue: 92)
    /// `CURLE_SSL_CLIENTCERT` (98).
    public static let sslClientCert = CurlResultCode(rawValue: 98)

    /// libcurl's own short text for the code (`curl_easy_strerror`), with the number.
    public var description: String {
        let text = String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(bitPattern: self.rawValue))))
        return "\(text) (\(self.rawValue))"
    }
}
