import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The small SwiftNIO HTTP/1.1 server under `agent-retry mcp --http` and `webhooks listen`: bound
/// to a loopback address, at most so many connections, each with an idle timeout, each served by
/// the command's handler.
final class LoopbackHTTPServer: Sendable {
    /// One accepted connection, as its handler reads and writes it.
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    private typealias Listener = NIOAsyncChannel<Connection, Never>

    /// The bound port (the one picked when asked for 0).
    let port: Int
    /// The most connections open at once; one more is closed unread.
    let maximumConnections: Int
    private let listener: Listener
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    private init(listener: Listener, port: Int, maximumConnections: Int) {
        self.listener = listener
        self.port = port
        self.maximumConnections = maximumConnections
    }

    /// Binds `host` (a loopback address literal, never resolved) and `port` (0 picks a free one); a
    /// connection with no request in progress that sends nothing for `idleTimeout` is closed.
    static func bind(
        host: String,
        port: Int,
        idleTimeout: Duration,
        maximumConnections: Int
    ) async throws -> LoopbackHTTPServer {
        let idle = TimeAmount(idleTimeout)
        let listener: Listener
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(to: try SocketAddress(ipAddress: host, port: port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HTTPBindError(address: "\(LoopbackHTTPServer.urlHost(host)):\(port)", underlying: error)
        }
        return LoopbackHTTPServer(
            listener: listener,
            port: listener.channel.localAddress?.port ?? port,
            maximumConnections: maximumConnections
        )
    }

    /// Accepts connections and serves each with `serve` until ``stopAccepting()``, then returns
    /// once every connection has closed.
    func run(serving serve: @escaping @Sendable (Connection) async -> Void) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await self.listener.executeThenClose { inbound in
                for try await connection in inbound {
                    guard self.track(connection.channel) else {
                        // Over the limit: closed before anything it sent is read.
                        try? await connection.channel.close()
                        continue
                    }
                    group.addTask { await serve(connection) }
                }
            }
        }
    }

    /// Closes the listening socket: no new connection is accepted.
    func stopAccepting() async {
        try? await self.listener.channel.close()
    }

    /// Closes every connection still open.
    func closeConnections() async {
        for channel in self.connections.withLock({ Array($0.values) }) { try? await channel.close() }
    }

    /// Keeps `channel` among the open connections; `false` when the limit is reached.
    private func track(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let kept = self.connections.withLock { open in
            guard open.count < self.maximumConnections else { return false }
            open[id] = channel
            return true
        }
        guard kept else { return false }
        channel.closeFuture.whenComplete { _ in _ = self.connections.withLock { $0.removeValue(forKey: id) } }
        return true
    }
}
