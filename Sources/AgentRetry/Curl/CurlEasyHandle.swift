import CCurl

/// Owns one libcurl easy handle: every unsafe pointer of a request lives here.
///
/// The handle keeps what libcurl borrows for as long as it is in use (the header list, the error
/// buffer) and frees it when the next request replaces it or on `deinit`. The C callbacks it installs receive a
/// ``CurlTransfer`` through libcurl's user-data pointers and hand it safe buffers. Only
/// one thread at a time touches a handle: the calling task while it sets the handle up or reads
/// the outcome, the loop thread while the handle is in the multi handle.
final class CurlEasyHandle: @unchecked Sendable {
    /// The `CURL *`.
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates an easy handle, or `nil` when libcurl cannot (out of memory).
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(self.raw)
        curl_slist_free_all(self.headerList)
        self.errorBuffer.deallocate()
    }

    /// libcurl's message for the last failure, or an empty string.
    var errorMessage: String {
        String(cString: self.errorBuffer).trimmingTrailingNewlines()
    }

    /// Sets the options every request of a transport shares. Done once, when the handle is made:
    /// reusing a handle keeps them, so a request pays only for its own options.
    func configureShared(_ configuration: HTTPTransport.Configuration) -> CurlResultCode {
        var result = CURLE_OK
        func set(_ code: CURLcode) { if result == CURLE_OK { result = code } }
        let h = self.raw
        set(agentretry_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, self.errorBuffer))
        set(agentretry_easy_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(agentretry_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(agentretry_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0))
        set(agentretry_easy_setopt_string(h, CURLOPT_PROXY, configuration.proxy ?? ""))
        set(
            agentretry_easy_setopt_off_t(
                h,
                CURLOPT_MAXFILESIZE_LARGE,
                curl_off_t(configuration.maximumResponseBodySize)
            )
        )
        let idleSeconds = max(1, configuration.connectionPool.idleTimeout.clampedMilliseconds / 1000)
        set(agentretry_easy_setopt_long(h, CURLOPT_MAXAGE_CONN, idleSeconds))

        let verify = configuration.tls.certificateVerification.mode
        set(agentretry_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, verify == .skipAll ? 0 : 1))
        set(agentretry_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, verify == .full ? 2 : 0))
        if let caBundlePath = configuration.tls.caBundlePath {
            set(agentretry_easy_setopt_string(h, CURLOPT_CAINFO, caBundlePath))
        }
        if configuration.httpVersion.mode == .automatic {
            set(agentretry_easy_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        } else {
            set(agentretry_easy_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
        }
        set(agentretry_easy_setopt_data_callback(h, CURLOPT_WRITEFUNCTION, Self.onBody))
        set(agentretry_easy_setopt_data_callback(h, CURLOPT_HEADERFUNCTION, Self.onHeaderLine))
        set(agentretry_easy_setopt_prereq_callback(h, Self.onRequestStart))
        return CurlResultCode(result)
    }

    /// Sets the options of one request, replacing the previous request's. The transfer must
    /// outlive the handle's use: libcurl calls back into it until the handle leaves the multi handle.
    func configure(
        for request: HTTPRequest,
        timeout: HTTPTransport.Configuration.Timeout,
        userAgent: String,
        multiplexes: Bool,
        transfer: CurlTransfer
    ) -> CurlResultCode {
        var result = CURLE_OK
        func set(_ code: CURLcode) { if result == CURLE_OK { result = code } }
        let h = self.raw
        self.errorBuffer[0] = 0

        set(agentretry_easy_setopt_string(h, CURLOPT_URL, request.url))
        self.setMethodAndBody(request, set)
        let headers = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        self.replaceHeaderList(with: headers + ["Expect:"])
        set(agentretry_easy_setopt_slist(h, CURLOPT_HTTPHEADER, self.headerList))
        let hasUserAgent = request.headers.contains(name: "User-Agent")
        set(agentretry_easy_setopt_string(h, CURLOPT_USERAGENT, hasUserAgent ? nil : userAgent))
        set(agentretry_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, timeout.connect.clampedMilliseconds))
        set(agentretry_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, timeout.total.clampedMilliseconds))
        // Waiting for a connection that may multiplex pays only where HTTP/2 can be negotiated: over
        // plain http it would queue a request behind another one's unanswered request.
        set(agentretry_easy_setopt_long(h, CURLOPT_PIPEWAIT, multiplexes && request.isHTTPS ? 1 : 0))

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        set(agentretry_easy_setopt_pointer(h, CURLOPT_WRITEDATA, context))
        set(agentretry_easy_setopt_pointer(h, CURLOPT_HEADERDATA, context))
        set(agentretry_easy_setopt_pointer(h, CURLOPT_PREREQDATA, context))
        return CurlResultCode(result)
    }

    private func setMethodAndBody(_ request: HTTPRequest, _ set: (CURLcode) -> Void) {
        let h = self.raw
        set(agentretry_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, nil))
        switch (request.method, request.body) {
        case (.get, nil):
            set(agentretry_easy_setopt_long(h, CURLOPT_HTTPGET, 1))
        case (.head, nil):
            set(agentretry_easy_setopt_long(h, CURLOPT_NOBODY, 1))
        case (let method, nil) where method != .post:
            set(agentretry_easy_setopt_long(h, CURLOPT_HTTPGET, 1))
            set(agentretry_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, method.rawValue))
        case (let method, let body):
            let bytes = body ?? []
            set(agentretry_easy_setopt_long(h, CURLOPT_POST, 1))
            set(agentretry_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
            bytes.withUnsafeBytes { buffer in
                // COPYPOSTFIELDS copies the bytes, so the array need not outlive this call.
                let pointer = UnsafeMutableRawPointer(mutating: buffer.baseAddress)
                set(agentretry_easy_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, bytes.isEmpty ? nil : pointer))
            }
            if bytes.isEmpty {
                set(agentretry_easy_setopt_string(h, CURLOPT_COPYPOSTFIELDS, ""))
            }
            if method != .post {
                set(agentretry_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, method.rawValue))
            }
        }
    }

    private func replaceHeaderList(with lines: [String]) {
        curl_slist_free_all(self.headerList)
        self.headerList = nil
        for line in lines {
            self.headerList = curl_slist_append(self.headerList, line)
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 and at most `Int32.max`, as libcurl's `long` options take them.
    var clampedMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        if seconds >= Int64(Int32.max / 1000) { return Int(Int32.max) }
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last.isNewline { text.removeLast() }
        return String(text)
    }
}
