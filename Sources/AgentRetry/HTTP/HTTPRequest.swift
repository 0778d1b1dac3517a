/// One HTTP request for ``HTTPTransport``.
///
/// The transport sends it as given: no redirect is followed and `Expect: 100-continue` is never
/// sent. libcurl adds only `Host`, `Accept: */*`, `Content-Length`, a `User-Agent` when the request
/// has none (``HTTPTransport/Configuration-swift.struct/userAgent``), and, for a body without a
/// `Content-Type`, `application/x-www-form-urlencoded` (the form encoding Stripe expects).
public struct HTTPRequest: Sendable {
    /// The method. Defaults to `GET`.
    public var method: HTTPMethod
    /// The absolute `http` or `https` URL. Credentials in it are never printed in errors or logs.
    public var url: String
    /// The header fields, in the order they are sent.
    public var headers: HTTPHeaders
    /// The body, if any. A `GET` with a body is sent as given.
    public var body: [UInt8]?
    /// Overrides ``HTTPTransport/Configuration-swift.struct/timeout`` for this request when set.
    public var timeout: HTTPTransport.Configuration.Timeout?
    /// Overrides ``HTTPTransport/Configuration-swift.struct/staleConnectionResend`` for this request when set.
    public var staleConnectionResend: HTTPTransport.Configuration.StaleConnectionResend?

    /// Creates a request.
    /// - Parameters:
    ///   - method: The method. Defaults to `GET`.
    ///   - url: The absolute `http` or `https` URL.
    ///   - headers: The header fields, sent in order.
    ///   - body: The body bytes, if any.
    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = nil
        self.staleConnectionResend = nil
    }

    /// Creates a request whose body is the UTF-8 encoding of a string.
    public init(method: HTTPMethod = .post, url: String, headers: HTTPHeaders = [:], body: String) {
        self.init(method: method, url: url, headers: headers, body: Array(body.utf8))
    }
}
