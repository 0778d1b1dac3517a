extension HTTPTransport {
    /// How an ``HTTPTransport`` connects, verifies and bounds its requests.
    ///
    /// Every property has a documented default chosen for payment calls: verification on, bodies
    /// bounded, and no request re-sent behind the caller's back unless its method is idempotent.
    public struct Configuration: Sendable {
        /// Connect and total timeouts. Defaults to 10 s to connect and 30 s in all.
        public var timeout: Timeout
        /// TLS settings. Defaults to full peer and host verification against the system CA store.
        public var tls: TLS
        /// Which HTTP versions to speak. Defaults to ``HTTPVersion-swift.struct/automatic``.
        public var httpVersion: HTTPVersion
        /// Connection reuse limits. See ``ConnectionPool-swift.struct`` for the defaults.
        public var connectionPool: ConnectionPool
        /// The largest response body accepted, in bytes. Defaults to 10 MiB.
        ///
        /// A larger body (announced by `Content-Length` or found while reading) ends the transfer
        /// with ``HTTPTransportError/Code-swift.struct/responseBodyTooLarge``: memory stays bounded.
        public var maximumResponseBodySize: Int
        /// Whether libcurl may re-send a request whose reused connection died before any response
        /// byte arrived. Defaults to ``StaleConnectionResend-swift.struct/idempotentMethodsOnly``.
        public var staleConnectionResend: StaleConnectionResend
        /// A proxy URL for every request. Defaults to `nil`: direct connections, and the `http_proxy`
        /// family of environment variables is ignored, so a payment call never takes a path by surprise.
        public var proxy: String?
        /// The `User-Agent` sent when a request has none. Defaults to `AgentRetry (libcurl)`.
        public var userAgent: String

        /// Creates a configuration with the documented defaults.
        public init(
            timeout: Timeout = Timeout(),
            tls: TLS = TLS(),
            httpVersion: HTTPVersion = .automatic,
            connectionPool: ConnectionPool = ConnectionPool(),
            maximumResponseBodySize: Int = 10 * 1024 * 1024,
            staleConnectionResend: StaleConnectionResend = .idempotentMethodsOnly,
            proxy: String? = nil,
            userAgent: String = "AgentRetry (libcurl)"
        ) {
            self.timeout = timeout
            self.tls = tls
            self.httpVersion = httpVersion
            self.connectionPool = connectionPool
            self.maximumResponseBodySize = maximumResponseBodySize
            self.staleConnectionResend = staleConnectionResend
            self.proxy = proxy
            self.userAgent = userAgent
        }
    }
}

extension HTTPTransport.Configuration {
    /// Connect and total timeouts; a request can override them with ``HTTPRequest/timeout``.
    public struct Timeout: Sendable, Hashable {
        /// The longest time to establish a connection (TCP and TLS). Defaults to 10 seconds.
        ///
        /// A connect timeout is ``FailureClass/notSent``: no request byte was written.
        public var connect: Duration
        /// The longest time for the whole exchange, connecting included. Defaults to 30 seconds.
        ///
        /// A timeout after the request was written is ``FailureClass/mayHaveBeenProcessed``.
        public var total: Duration

        /// Creates timeouts.
        public init(connect: Duration = .seconds(10), total: Duration = .seconds(30)) {
            self.connect = connect
            self.total = total
        }
    }

    /// Limits of the one connection cache that all requests of a transport share.
    public struct ConnectionPool: Sendable, Hashable {
        /// Open connections to one host at most; further requests wait for one. Defaults to 32.
        /// Zero means no limit.
        public var maximumConnectionsPerHost: Int
        /// Idle connections kept for reuse, over all hosts. Defaults to 64.
        public var maximumIdleConnections: Int
        /// A connection idle for longer than this is not reused but closed. Defaults to 60 seconds.
        public var idleTimeout: Duration

        /// Creates pool limits.
        public init(
            maximumConnectionsPerHost: Int = 32,
            maximumIdleConnections: Int = 64,
            idleTimeout: Duration = .seconds(60)
        ) {
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
            self.maximumIdleConnections = maximumIdleConnections
            self.idleTimeout = idleTimeout
        }
    }
}
