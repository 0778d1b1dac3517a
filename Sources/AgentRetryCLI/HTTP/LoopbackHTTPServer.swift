import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The small SwiftNIO HTTP/1.1 server under `agent-retry mcp --http`: bound to a loopback address,
/// each connection with an idle timeout, every request handed to ``MCPHTTPSessions``.
final class MCPHTTPServer: Sendable {
    private typealias Listener = NIOAsyncChannel<MCPHTTPConnection.Channel, Never>

    /// The bound port (the one picked when asked for 0).
    let port: Int
    /// The most connections open at once (``MCPHTTPConfiguration/maximumConnections``).
    let maximumConnections: Int
    private let listener: Listener
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    private init(listener: Listener, port: Int, maximumConnections: Int) {
        self.listener = listener
        self.port = port
        self.maximumConnections = maximumConnections
    }

    /// Binds `configuration.host` (a loopback address literal, never resolved) and `configuration.port`.
    static func bind(_ configuration: MCPHTTPConfiguration) async throws -> MCPHTTPServer {
        let idle = TimeAmount(configuration.idleTimeout)
        let listener: Listener
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(to: try SocketAddress(ipAddress: configuration.host, port: configuration.port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(MCPHTTPIdleCloser())
                        return try MCPHTTPConnection.Channel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            let address = "\(MCPHTTPConfiguration.urlHost(configuration.host)):\(configuration.port)"
            throw MCPHTTPBindError(address: address, underlying: error)
        }
        return MCPHTTPServer(
            listener: listener,
            port: listener.channel.localAddress?.port ?? configuration.port,
            maximumConnections: configuration.maximumConnections
        )
    }

    /// Accepts connections and serves them through `sessions` until ``stopAccepting()``, then
    /// returns once every connection has closed.
    func run(sessions: MCPHTTPSessions) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await self.listener.executeThenClose { inbound in
                for try await connection in inbound {
                    guard self.track(connection.channel) else {
                        // Over the limit: closed before anything it sent is read.
                        try? await connection.channel.close()
                        continue
                    }
                    group.addTask { await MCPHTTPConnection.serve(connection, sessions: sessions) }
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
