import CCurl

/// One request from set-up to outcome: its easy handle, what libcurl's callbacks collect, and how
/// the outcome is judged.
///
/// Ownership passes between two threads and is never shared: the calling task sets the transfer up
/// and hands it to the loop thread, which alone touches it (libcurl's callbacks included) until it
/// resumes the task with an ``Ending``; then the task reads the outcome and recycles the handle.
/// That hand-over discipline is why it is `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    /// How the loop thread let go of the transfer.
    enum Ending: Sendable {
        /// libcurl finished it with this code (`ok` for a complete response).
        case finished(CurlResultCode)
        /// libcurl refused to start it (setup or `curl_multi_add_handle` failed).
        case refused(CurlResultCode)
        /// The transport ended it: cancellation or shutdown.
        case interrupted(HTTPTransportError.Code, message: String)
    }

    let id: UInt64
    let easy: CurlEasyHandle
    let method: HTTPMethod
    let url: String
    let options: TransferOptions

    /// Set by the loop thread once libcurl has the transfer. Until then the handle's counters
    /// still describe its previous request and must not be read as evidence.
    var enteredMulti = false
    var headerBytes: [UInt8] = []
    var body: [UInt8] = []
    private(set) var wireSends = 0
    private(set) var resendBlocked = false
    private(set) var bodyCapExceeded = false

    init(id: UInt64, request: HTTPRequest, options: TransferOptions, easy: CurlEasyHandle) {
        self.id = id
        self.easy = easy
        self.method = request.method
        self.url = request.url
        self.options = options
    }

    // MARK: Callbacks from libcurl, on the loop thread

    /// Called before each send. Refuses a second send when re-sending is not allowed.
    func willSendRequest() -> Bool {
        if self.wireSends > 0 && !self.options.allowsResend {
            self.resendBlocked = true
            return false
        }
        self.wireSends += 1
        return true
    }

    /// Appends body bytes; `false` once the body would exceed the cap.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard self.body.count + bytes.count <= self.options.maximumResponseBodySize else {
            self.bodyCapExceeded = true
            return false
        }
        self.body.append(contentsOf: bytes)
        return true
    }

    /// Keeps one raw header line; parsing waits for the calling task. A status line starts a new
    /// response (after a `1xx`, or on a re-send), so what came before it is dropped.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        if bytes.starts(with: "HTTP/".utf8) {
            self.headerBytes.removeAll(keepingCapacity: true)
            self.body.removeAll(keepingCapacity: true)
        }
        self.headerBytes.append(contentsOf: bytes)
    }
}
