import NIOCore
import NIOPosix

extension FaultyHTTPServer {
    /// Whether something accepts TCP connections at `host:port`: for waiting on a server started in
    /// another process.
    public static func probeConnect(host: String, port: Int) async throws -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(200))
                .connect(host: host, port: port)
                .get()
            try await channel.close()
            return true
        } catch {
            return false
        }
    }
}
