/// The settings of one transfer: the transport's configuration with the request's overrides applied.
struct TransferOptions: Sendable {
    var timeout: HTTPTransport.Configuration.Timeout
    var tls: HTTPTransport.Configuration.TLS
    var httpVersion: HTTPTransport.Configuration.HTTPVersion
    var maximumResponseBodySize: Int
    var allowsResend: Bool
    var idleTimeout: Duration
    var proxy: String?
    var userAgent: String

    init(configuration: HTTPTransport.Configuration, request: HTTPRequest) {
        self.timeout = request.timeout ?? configuration.timeout
        self.tls = configuration.tls
        self.httpVersion = configuration.httpVersion
        self.maximumResponseBodySize = configuration.maximumResponseBodySize
        let resend = request.staleConnectionResend ?? configuration.staleConnectionResend
        self.allowsResend = resend.allowsResend(of: request.method)
        self.idleTimeout = configuration.connectionPool.idleTimeout
        self.proxy = configuration.proxy
        self.userAgent = configuration.userAgent
    }
}
