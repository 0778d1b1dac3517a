import CCurl

extension CurlEasyHandle {
    /// `CURLOPT_WRITEFUNCTION`: body bytes. Returning less than given makes libcurl fail the
    /// transfer with `CURLE_WRITE_ERROR`, which is how the body cap stops reading.
    static let onBody: curl_write_callback = { data, size, count, context in
        let length = size * count
        guard let context, let data else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        let accepted = transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
        return accepted ? length : 0
    }

    /// `CURLOPT_HEADERFUNCTION`: one header line at a time, status lines included.
    static let onHeaderLine: curl_write_callback = { data, size, count, context in
        let length = size * count
        guard let context, let data else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// `CURLOPT_PREREQFUNCTION`: libcurl is about to put the request on a connection. It runs once
    /// per send, so it also sees the hidden re-send after a reused connection died.
    static let onRequestStart: curl_prereq_callback = { context, _, _, _, _ in
        guard let context else { return Int32(CURL_PREREQFUNC_OK) }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.willSendRequest() ? Int32(CURL_PREREQFUNC_OK) : Int32(CURL_PREREQFUNC_ABORT)
    }

    /// Reads libcurl's counters and timings for the transfer on this handle.
    func readInfo() -> CurlTransferInfo {
        CurlTransferInfo(
            responseCode: self.longInfo(CURLINFO_RESPONSE_CODE),
            httpVersion: self.longInfo(CURLINFO_HTTP_VERSION),
            connectMicroseconds: self.offsetInfo(CURLINFO_CONNECT_TIME_T),
            pretransferMicroseconds: self.offsetInfo(CURLINFO_PRETRANSFER_TIME_T),
            totalMicroseconds: self.offsetInfo(CURLINFO_TOTAL_TIME_T),
            requestBytes: Int64(self.longInfo(CURLINFO_REQUEST_SIZE)),
            uploadBytes: self.offsetInfo(CURLINFO_SIZE_UPLOAD_T),
            headerBytes: Int64(self.longInfo(CURLINFO_HEADER_SIZE)),
            newConnections: self.longInfo(CURLINFO_NUM_CONNECTS)
        )
    }

    private func longInfo(_ info: CURLINFO) -> Int {
        var value = 0
        return agentretry_easy_getinfo_long(self.raw, info, &value) == CURLE_OK ? value : 0
    }

    private func offsetInfo(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        return agentretry_easy_getinfo_off_t(self.raw, info, &value) == CURLE_OK ? Int64(value) : 0
    }
}

/// The figures libcurl reports for a finished or aborted transfer; all zero for a transfer libcurl never had.
struct CurlTransferInfo {
    var responseCode = 0
    var httpVersion = 0
    var connectMicroseconds: Int64 = 0
    var pretransferMicroseconds: Int64 = 0
    var totalMicroseconds: Int64 = 0
    var requestBytes: Int64 = 0
    var uploadBytes: Int64 = 0
    var headerBytes: Int64 = 0
    var newConnections = 0

    /// `"1.0"`, `"1.1"`, `"2"` or `"3"` from `CURLINFO_HTTP_VERSION`.
    var httpVersionText: String {
        switch self.httpVersion {
        case Int(CURL_HTTP_VERSION_1_0): "1.0"
        case Int(CURL_HTTP_VERSION_2_0): "2"
        case Int(CURL_HTTP_VERSION_3): "3"
        default: "1.1"
        }
    }

    var metrics: TransferMetrics {
        TransferMetrics(
            connectTime: .microseconds(self.connectMicroseconds),
            pretransferTime: .microseconds(self.pretransferMicroseconds),
            totalTime: .microseconds(self.totalMicroseconds),
            requestBytesSent: max(self.requestBytes, self.uploadBytes),
            responseHeaderBytes: self.headerBytes,
            newConnections: self.newConnections
        )
    }

    func evidence(wireSends: Int) -> TransferEvidence {
        TransferEvidence(
            wireSends: wireSends,
            requestBytes: self.requestBytes,
            uploadBytes: self.uploadBytes,
            pretransferMicroseconds: self.pretransferMicroseconds
        )
    }
}
