/// A complete HTTP response, whatever its status.
///
/// A 4xx or 5xx status is a response, not a transport error: the server answered, and what the
/// answer means is for the caller (or the retry policy) to judge.
public struct HTTPResponse: Sendable {
    /// The status code of the final response (informational `1xx` responses are skipped).
    public var status: Int
    /// The header fields of the final response, in the order received.
    public var headers: HTTPHeaders
    /// The body, at most ``HTTPTransport/Configuration-swift.struct/maximumResponseBodySize`` bytes.
    public var body: [UInt8]
    /// The HTTP version the response came in: `"1.0"`, `"1.1"`, `"2"` or `"3"`.
    public var httpVersion: String
    /// How many times the request was put on the wire to get this response.
    ///
    /// Normally 1. It is 2 or more when libcurl found a reused keep-alive connection dead before any
    /// response byte arrived and sent the request again on a fresh connection, which
    /// ``HTTPTransport/Configuration-swift.struct/StaleConnectionResend`` allows for idempotent methods
    /// only by default. The server may have processed every one of those sends.
    public var wireSends: Int
    /// Timings and byte counts libcurl measured for the exchange.
    public var metrics: TransferMetrics

    /// Creates a response.
    public init(
        status: Int,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        httpVersion: String = "1.1",
        wireSends: Int = 1,
        metrics: TransferMetrics = TransferMetrics()
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
        self.wireSends = wireSends
        self.metrics = metrics
    }

    /// The body decoded as UTF-8, with invalid bytes replaced.
    public var bodyText: String {
        String(decoding: self.body, as: UTF8.self)
    }
}
