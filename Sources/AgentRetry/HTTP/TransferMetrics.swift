/// What libcurl measured for one request: the evidence the transport classifies failures by.
public struct TransferMetrics: Sendable, Hashable {
    /// From the start until the connection was made (zero when a kept-alive connection was reused).
    public var connectTime: Duration
    /// From the start until just before the request was sent; zero when it never got that far.
    public var pretransferTime: Duration
    /// From the start until the transfer ended.
    public var totalTime: Duration
    /// Request bytes (head and body) written to the socket, over every send.
    public var requestBytesSent: Int64
    /// Response header bytes received.
    public var responseHeaderBytes: Int64
    /// How many new connections the request opened (zero when it only reused one).
    public var newConnections: Int

    /// Creates metrics; all zero by default.
    public init(
        connectTime: Duration = .zero,
        pretransferTime: Duration = .zero,
        totalTime: Duration = .zero,
        requestBytesSent: Int64 = 0,
        responseHeaderBytes: Int64 = 0,
        newConnections: Int = 0
    ) {
        self.connectTime = connectTime
        self.pretransferTime = pretransferTime
        self.totalTime = totalTime
        self.requestBytesSent = requestBytesSent
        self.responseHeaderBytes = responseHeaderBytes
        self.newConnections = newConnections
    }
}
