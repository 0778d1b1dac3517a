import Logging

/// Sends one HTTP request and returns the complete response: the seam between AgentRetry's
/// decisions and the network.
///
/// ``HTTPTransport`` (libcurl) is the implementation for real traffic. ``IdempotentClient`` and
/// the checkout tasks take any conforming type, so tests can run them without a socket
/// (`AgentRetryTesting`'s `ScriptedTransport`) and an application can put its own layer in
/// between (tracing, a proxy, an in-process server).
///
/// A conforming type must say, on every failure, whether the request can have reached the server
/// (``HTTPTransportError/failureClass``): the retry decisions rest on it.
public protocol HTTPClientTransport: Sendable {
    /// Sends `request` once and returns the response, whatever its status.
    /// - Parameters:
    ///   - request: The request, sent as it is.
    ///   - logger: Where to log the exchange, never a header value or a body; `nil` for the
    ///     transport's own logger.
    /// - Throws: ``HTTPTransportError``, classed by how far the request got.
    func execute(_ request: HTTPRequest, logger: Logger?) async throws(HTTPTransportError) -> HTTPResponse
}

extension HTTPClientTransport {
    /// Sends `request` once with the transport's own logger.
    public func execute(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        try await self.execute(request, logger: nil)
    }
}
