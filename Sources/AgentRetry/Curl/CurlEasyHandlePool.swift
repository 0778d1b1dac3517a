import Synchronization

/// Easy handles kept for reuse, so a request does not pay for `curl_easy_init`.
///
/// Connections live in the multi handle's cache, not in easy handles, so any handle serves any host.
final class CurlEasyHandlePool: Sendable {
    private let idle = Mutex<[CurlEasyHandle]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// A reset handle, or `nil` when libcurl cannot make one (out of memory).
    func take() -> CurlEasyHandle? {
        self.idle.withLock { $0.popLast() } ?? CurlEasyHandle()
    }

    /// Resets a handle and keeps it, unless the pool is full.
    func recycle(_ handle: CurlEasyHandle) {
        handle.reset()
        self.idle.withLock { idle in
            if idle.count < self.capacity { idle.append(handle) }
        }
    }
}
