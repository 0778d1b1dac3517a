import CCurl

/// Owns one libcurl multi handle: the connection cache and the event loop all transfers share.
///
/// Only the loop thread calls its methods, except ``wakeUp()``, which libcurl allows from any thread.
final class CurlMultiHandle: @unchecked Sendable {
    /// The `CURLM *`.
    private let raw: UnsafeMutableRawPointer

    /// Creates the multi handle with the pool's limits.
    init?(pool: HTTPTransport.Configuration.ConnectionPool) {
        guard let raw = curl_multi_init() else { return nil }
        self.raw = raw
        _ = agentretry_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, pool.maximumConnectionsPerHost)
        _ = agentretry_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, pool.maximumIdleConnections)
        _ = agentretry_multi_setopt_long(raw, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit {
        curl_multi_cleanup(self.raw)
    }

    /// Starts a transfer; `false` when libcurl refuses the handle.
    func add(_ easy: CurlEasyHandle) -> Bool {
        curl_multi_add_handle(self.raw, easy.raw) == CURLM_OK
    }

    /// Stops a transfer, finished or not.
    func remove(_ easy: CurlEasyHandle) {
        _ = curl_multi_remove_handle(self.raw, easy.raw)
    }

    /// Lets libcurl read, write and time out whatever is ready, without blocking.
    func perform() {
        var running: Int32 = 0
        _ = curl_multi_perform(self.raw, &running)
    }

    /// Waits for socket activity, libcurl's next timeout, a wake-up, or `milliseconds`.
    func poll(milliseconds: Int32) {
        _ = curl_multi_poll(self.raw, nil, 0, milliseconds, nil)
    }

    /// Whether any of libcurl's sockets is ready now, without blocking and without touching the
    /// wake-up pipe (`curl_multi_wait`, unlike `curl_multi_poll`, does not watch it).
    func socketsReady() -> Bool {
        var ready: Int32 = 0
        _ = curl_multi_wait(self.raw, nil, 0, 0, &ready)
        return ready > 0
    }

    /// Interrupts ``poll(milliseconds:)`` from any thread.
    func wakeUp() {
        _ = curl_multi_wakeup(self.raw)
    }

    /// The next finished transfer: its easy handle's address and its result.
    func nextCompleted() -> (handle: UnsafeMutableRawPointer, result: CurlResultCode)? {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(self.raw, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle {
                return (handle, CurlResultCode(message.pointee.data.result))
            }
        }
        return nil
    }
}
