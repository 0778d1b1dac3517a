import Synchronization

/// Easy handles kept for reuse, so a request does not pay for `curl_easy_init`.
///
/// Every handle of the pool carries the transport's shared options from the start; a request sets
/// only its own. Connections live in the multi handle's cache, not in easy handles, so any handle
/// serves any host.
final class CurlEasyHandlePool: Sendable {
    private let idle = Mutex<[CurlEasyHandle]>([])
    private let configuration: HTTPTransport.Configuration
    private let capacity: Int

    init(configuration: HTTPTransport.Configuration, capacity: Int) {
        self.configuration = configuration
        self.capacity = capacity
    }

    /// libcurl could not make or set up a handle.
    struct SetupFailure: Error {
        let code: CurlResultCode
    }

    /// A handle with the shared options set.
    func take() throws(SetupFailure) -> CurlEasyHandle {
        if let handle = self.idle.withLock({ $0.popLast() }) {
            return handle
        }
        guard let handle = CurlEasyHandle() else { throw SetupFailure(code: .outOfMemory) }
        let code = handle.configureShared(self.configuration)
        guard code == .ok else { throw SetupFailure(code: code) }
        return handle
    }

    /// Keeps a handle for the next request, unless the pool is full.
    func recycle(_ handle: CurlEasyHandle) {
        self.idle.withLock { idle in
            if idle.count < self.capacity { idle.append(handle) }
        }
    }
}
