/// The settings of one transfer that may differ from request to request: the transport's
/// configuration with the request's overrides applied.
struct TransferOptions: Sendable {
    var timeout: HTTPTransport.Configuration.Timeout
    var maximumResponseBodySize: Int
    var allowsResend: Bool
    var userAgent: String
    /// The proxy URL, whose credentials must be scrubbed from libcurl's messages.
    var proxy: String?

    init(configuration: HTTPTransport.Configuration, request: HTTPRequest) {
        self.timeout = request.timeout ?? configuration.timeout
        self.maximumResponseBodySize = configuration.maximumResponseBodySize
        let resend = request.staleConnectionResend ?? configuration.staleConnectionResend
        self.allowsResend = resend.allowsResend(of: request.method)
        self.userAgent = configuration.userAgent
        self.proxy = configuration.proxy
    }
}
