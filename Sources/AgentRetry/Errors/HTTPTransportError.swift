/// A request that ended without a complete response.
///
/// Besides what went wrong (``code``, with libcurl's ``curlCode`` and ``message``), it says
/// whether the request can have reached the server (``failureClass``) and how many times it was put
/// on the wire (``wireSends``): what a retry policy needs to decide safely. It never holds a header
/// value or a body, and ``url`` has any credentials removed.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an opaque, extensible code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Sendable, Hashable {
            case curl(Int32)
            case invalidRequest
            case invalidHeader
            case responseBodyTooLarge
            case resendPrevented
            case cancelled
            case transportShutDown
            case incompleteAnswer
        }

        let base: Base

        /// libcurl ended the transfer with this code; ``HTTPTransportError/curlCode`` holds it.
        public static func curl(_ code: CurlResultCode) -> Code { Code(base: .curl(code.rawValue)) }
        /// The request was refused before sending: a URL that is not absolute `http(s)`, a bad method.
        public static let invalidRequest = Code(base: .invalidRequest)
        /// A header name is not a token, or a name or value holds CR, LF or NUL. Nothing was sent.
        public static let invalidHeader = Code(base: .invalidHeader)
        /// The response body was larger than ``HTTPTransport/Configuration-swift.struct/maximumResponseBodySize``.
        public static let responseBodyTooLarge = Code(base: .responseBodyTooLarge)
        /// libcurl would have re-sent the request on a fresh connection after its reused one died, and
        /// ``HTTPTransport/Configuration-swift.struct/StaleConnectionResend`` forbade it.
        public static let resendPrevented = Code(base: .resendPrevented)
        /// The calling task was cancelled; the transfer was aborted.
        public static let cancelled = Code(base: .cancelled)
        /// The transport was shut down before the request finished.
        public static let transportShutDown = Code(base: .transportShutDown)
        /// The response arrived but did not carry the answer it had to (a protocol over HTTP, such
        /// as MCP's event stream, ended before its message): the request may have been processed.
        public static let incompleteAnswer = Code(base: .incompleteAnswer)

        /// A short name with no associated values, fit for a metric label.
        public var description: String {
            switch self.base {
            case .curl: "curl"
            case .invalidRequest: "invalidRequest"
            case .invalidHeader: "invalidHeader"
            case .responseBodyTooLarge: "responseBodyTooLarge"
            case .resendPrevented: "resendPrevented"
            case .cancelled: "cancelled"
            case .transportShutDown: "transportShutDown"
            case .incompleteAnswer: "incompleteAnswer"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// Whether the request can have reached the server.
    public let failureClass: FailureClass
    /// The libcurl result code behind the failure, when libcurl reported one.
    public let curlCode: CurlResultCode?
    /// A human-readable explanation: libcurl's own error message when there is one.
    public let message: String
    /// The request's method.
    public let method: HTTPMethod
    /// The request URL with any `user:password@` removed.
    public let url: String
    /// How many times the request was put on the wire before it failed.
    public let wireSends: Int
    /// The status of the response whose body could not be read, when its head had arrived.
    public let responseStatus: Int?
    /// Timings and byte counts of the failed transfer: the evidence behind ``failureClass``.
    public let metrics: TransferMetrics

    /// Creates an error; a custom ``HTTPClientTransport`` reports its failures with it.
    public init(
        code: Code,
        failureClass: FailureClass,
        curlCode: CurlResultCode? = nil,
        message: String,
        method: HTTPMethod,
        url: String,
        wireSends: Int = 0,
        responseStatus: Int? = nil,
        metrics: TransferMetrics = TransferMetrics()
    ) {
        self.code = code
        self.failureClass = failureClass
        self.curlCode = curlCode
        self.message = message
        self.method = method
        self.url = RedactedURL.removingCredentials(from: url)
        self.wireSends = wireSends
        self.responseStatus = responseStatus
        self.metrics = metrics
    }

    /// One line: code, class, request, sends and message. Never a header value or a body.
    public var description: String {
        var text = "HTTPTransportError.\(self.code)"
        if let curlCode { text += "(\(curlCode))" }
        text += " [\(self.failureClass)] \(self.method) \(self.url), wire sends: \(self.wireSends)"
        if let responseStatus { text += ", status \(responseStatus)" }
        return text + ": " + self.message
    }
}
