import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server on a real loopback socket that misbehaves on request.
///
/// The request path chooses what it does, so one server serves every case of a test run:
///
/// | path | behaviour |
/// |---|---|
/// | `/ok` (and any unknown path) | `200`, body `ok` |
/// | `/echo` | `200`, body: the request line, each header as `name: value`, a blank line, the body |
/// | `/status/NNN` | status NNN, body `status NNN` |
/// | `/bytes?count=N` | `200` with N bytes and a `Content-Length` |
/// | `/chunked?count=N` | `200` with N bytes, chunked, no `Content-Length` |
/// | `/truncate` | announces 100 bytes, sends 50, closes |
/// | `/weird-version` | answers with the status line `HTTP/1.7 200 OK` |
/// | `/drop` | reads the whole request, closes without answering |
/// | `/drop-on-reused` | like `/drop` on a kept-alive connection's later requests, `200` on its first |
/// | `/stall` | reads the whole request, never answers |
/// | `/delay?ms=N` | answers `200` after N milliseconds |
///
/// It counts accepted connections and complete requests per path. The mock payment server takes
/// over its role in later work.
public final class FaultyHTTPServer: Sendable {
    private let channel: any Channel
    let stats: Mutex<Stats>
    let connections: Mutex<[ObjectIdentifier: any Channel]>

    struct Stats {
        var acceptedConnections = 0
        var requestsByPath: [String: Int] = [:]
    }

    /// The bound port.
    public let port: Int

    /// `http://127.0.0.1:PORT` (or the host it was bound to).
    public let baseURL: String

    private init(channel: any Channel, host: String) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.baseURL = "http://\(host):\(self.port)"
        self.stats = Mutex(Stats())
        self.connections = Mutex([:])
    }

    /// Starts a server.
    /// - Parameters:
    ///   - host: The address to bind. Defaults to `127.0.0.1`.
    ///   - port: The port; `0`, the default, picks a free one.
    public static func start(host: String = "127.0.0.1", port: Int = 0) async throws -> FaultyHTTPServer {
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 512)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard let server = box.server else { return channel.close() }
                server.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FaultyHTTPHandler(server: server))
                }
            }
            .bind(host: host, port: port)
            .get()
        let server = FaultyHTTPServer(channel: channel, host: host)
        box.server = server
        return server
    }

    /// Connections accepted so far.
    public var acceptedConnections: Int {
        self.stats.withLock { $0.acceptedConnections }
    }

    /// Complete requests received so far, over all paths.
    public var requestsReceived: Int {
        self.stats.withLock { $0.requestsByPath.values.reduce(0, +) }
    }

    /// Complete requests received so far for one path (without its query).
    public func requestsReceived(path: String) -> Int {
        self.stats.withLock { $0.requestsByPath[path, default: 0] }
    }

    /// Closes the listening socket and every open connection.
    public func shutdown() async throws {
        try await self.channel.close()
        let open = self.connections.withLock { Array($0.values) }
        for connection in open {
            try? await connection.close()
        }
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        self.stats.withLock { $0.acceptedConnections += 1 }
        self.connections.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.connections.withLock { $0.removeValue(forKey: id) }
        }
    }

    func recordRequest(path: String) {
        self.stats.withLock { $0.requestsByPath[path, default: 0] += 1 }
    }
}

/// Lets the child-channel initializer reach the server object, which exists only after bind.
private final class ServerBox: Sendable {
    private let storage = Mutex<FaultyHTTPServer?>(nil)
    var server: FaultyHTTPServer? {
        get { self.storage.withLock { $0 } }
        set { self.storage.withLock { $0 = newValue } }
    }
}
