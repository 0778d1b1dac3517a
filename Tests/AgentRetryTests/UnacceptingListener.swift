#if canImport(Glibc)
import Glibc
#endif

/// A real loopback socket that listens with a backlog of zero and never accepts: once its queue is
/// full, the kernel drops further SYNs, so a client's connect times out without any request byte
/// written.
final class UnacceptingListener {
    let port: Int
    private let listener: Int32
    private var fillers: [Int32] = []

    struct SocketFailure: Error { let call: String }

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 0) == 0 else { throw SocketFailure(call: "bind/listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the accept queue: these connect (or hang) so the next SYN is dropped.
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            self.fillers.append(filler)
        }
    }

    func close() {
        for filler in self.fillers { _ = Glibc.close(filler) }
        _ = Glibc.close(self.listener)
    }
}
