/// Whether a failed request can have reached the server: what makes a retry safe or not.
///
/// The transport decides it from the libcurl result code together with libcurl's own evidence of
/// how far the request got (connect and pre-transfer times, request bytes written, and the count of
/// sends the transport observed). The full table is in `Documentation/Transport.md` and beside the
/// mapping in `CurlResultCode+Classification.swift`.
public enum FailureClass: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Provably never processed: no byte of the request was written (DNS failure, connection
    /// refused, connect timeout, TLS handshake failure, a request refused before sending).
    /// Re-sending it is safe even without an idempotency key.
    case notSent
    /// Request bytes were, or may have been, written and no complete response came back (timeout
    /// after sending, reset, empty reply, truncated body, HTTP/2 stream reset). The server may have
    /// acted on it: re-send only with the same idempotency key.
    case mayHaveBeenProcessed
    /// Re-sending cannot help: certificate verification failure, malformed URL, unsupported
    /// protocol (each only when no request byte can have left), or a response body over the cap
    /// (``HTTPTransportError/Code-swift.struct/responseBodyTooLarge``: the server answered, with
    /// ``HTTPTransportError/responseStatus``). A custom transport reports `definitive` the same way.
    case definitive

    /// The case's name.
    public var description: String { self.rawValue }
}
