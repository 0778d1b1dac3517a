import Foundation
import MCP

/// How `agent-retry mcp --http` serves Streamable HTTP: where it listens (loopback only) and the
/// bounds it keeps.
struct MCPHTTPConfiguration: Sendable {
    /// The loopback address to bind: an IPv4 address in 127.0.0.0/8 or `::1`. Defaults to `127.0.0.1`.
    var host = "127.0.0.1"
    /// The port to bind; 0 picks a free one. Defaults to 0.
    var port = 0
    /// The path of the MCP endpoint. Defaults to `/mcp`.
    var endpoint = "/mcp"
    /// The largest request body accepted; a larger one is answered 413 and its connection closed.
    /// Defaults to 1 MiB.
    var maximumBodySize = 1 << 20
    /// A connection with no request in progress that sends nothing for this long is closed.
    /// Defaults to 60 seconds.
    var idleTimeout: Duration = .seconds(60)
    /// A session with no response open (no call in flight, no SSE stream) that sees no request for
    /// this long is closed; its client's next request gets 404 and initializes again. Defaults to 30 minutes.
    var sessionIdleTimeout: Duration = .seconds(30 * 60)
    /// The most sessions open at once; an `initialize` beyond them is answered 503. Defaults to 256.
    var maximumSessions = 256
    /// The most connections open at once; one more is closed as soon as it is accepted, before
    /// anything is read from it (so nothing it sends is processed). Defaults to 256.
    var maximumConnections = 256

    /// The endpoint's URL once bound to `port`.
    func url(port: Int) -> String {
        "http://\(LoopbackHTTPServer.urlHost(self.host)):\(port)\(self.endpoint)"
    }

    /// The DNS-rebinding guard for a server bound to `port`: the `Host` header must name a loopback
    /// host (`127.0.0.1`, `localhost`, `[::1]` or the bound address) with this port, and an `Origin`,
    /// when a browser sends one, must be `http://` one of those.
    func originValidator(port: Int) -> OriginValidator {
        var hosts = ["127.0.0.1", "localhost", "[::1]"]
        let bound = LoopbackHTTPServer.urlHost(self.host)
        if !hosts.contains(bound) { hosts.append(bound) }
        return OriginValidator(
            allowedHosts: hosts.map { "\($0):\(port)" },
            allowedOrigins: hosts.map { "http://\($0):\(port)" }
        )
    }
}
