import CCurl

/// libcurl's process-wide initialisation, done once before the first handle is made.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    /// Runs `curl_global_init` the first time it is called; later calls do nothing.
    static func initializeOnce() {
        precondition(Self.initialized, "curl_global_init failed")
    }

    /// The libcurl version string, e.g. `libcurl/7.88.1 OpenSSL/3.0.17 ... nghttp2/1.52.0`.
    static var version: String {
        String(cString: curl_version())
    }
}
