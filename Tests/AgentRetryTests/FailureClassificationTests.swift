import Testing

@testable import AgentRetry

@Suite("The classification table: code and evidence together")
struct FailureClassificationTests {
    private static let unsent = TransferEvidence(
        wireSends: 0,
        requestBytes: 0,
        uploadBytes: 0,
        pretransferMicroseconds: 0
    )

    @Test(
        "Each single sign of sending makes a code that could be either mayHaveBeenProcessed",
        arguments: [
            TransferEvidence(wireSends: 1, requestBytes: 0, uploadBytes: 0, pretransferMicroseconds: 0),
            TransferEvidence(wireSends: 0, requestBytes: 120, uploadBytes: 0, pretransferMicroseconds: 0),
            TransferEvidence(wireSends: 0, requestBytes: 0, uploadBytes: 9, pretransferMicroseconds: 0),
            TransferEvidence(wireSends: 0, requestBytes: 0, uploadBytes: 0, pretransferMicroseconds: 350),
        ]
    )
    func anySignOfSending(evidence: TransferEvidence) {
        for code in [
            CurlResultCode.operationTimedOut, .sendError, .recvError, .http2Stream, .sslConnectError,
            .abortedByCallback,
        ] {
            #expect(code.failureClass(given: evidence) == .mayHaveBeenProcessed)
            #expect(code.failureClass(given: Self.unsent) == .notSent)
        }
    }

    @Test("Connection failures with no sign of sending are notSent")
    func connectionFailures() {
        for code in [CurlResultCode.couldntResolveHost, .couldntResolveProxy, .couldntConnect] {
            #expect(code.failureClass(given: Self.unsent) == .notSent)
        }
    }

    @Test("Answers to a sent request are mayHaveBeenProcessed whatever the counters say")
    func answersToSentRequests() {
        for code in [CurlResultCode.gotNothing, .partialFile, .weirdServerReply, .badContentEncoding] {
            #expect(code.failureClass(given: Self.unsent) == .mayHaveBeenProcessed)
        }
    }

    @Test("Verification, URL and protocol failures are definitive unless the request can have left")
    func definitiveCodes() {
        let sent = TransferEvidence(wireSends: 1, requestBytes: 100, uploadBytes: 10, pretransferMicroseconds: 5)
        for code in [CurlResultCode.peerFailedVerification, .urlMalformat, .unsupportedProtocol, .sslCACertBadFile] {
            #expect(code.failureClass(given: Self.unsent) == .definitive)
            #expect(code.failureClass(given: sent) == .mayHaveBeenProcessed)
        }
        #expect(CurlResultCode.filesizeExceeded.failureClass(given: sent) == .definitive)
    }

    @Test("An unknown code is judged by the evidence alone")
    func unknownCode() {
        let unknown = CurlResultCode(rawValue: 999)
        #expect(unknown.failureClass(given: Self.unsent) == .notSent)
        #expect(
            unknown.failureClass(
                given: .init(wireSends: 1, requestBytes: 0, uploadBytes: 0, pretransferMicroseconds: 0)
            ) == .mayHaveBeenProcessed
        )
    }

    @Test(
        "Credentials are removed from URLs, and nothing else is",
        arguments: [
            ("https://user:pa55@api.example.com/v1/x?a=1", "https://api.example.com/v1/x?a=1"),
            ("http://token@127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://api.example.com/v1/users/me@example.com", "https://api.example.com/v1/users/me@example.com"),
            ("https://api.example.com/path?email=a@b.c", "https://api.example.com/path?email=a@b.c"),
            ("not a url", "not a url"),
            ("http://agent:hun/ter2@127.0.0.1/x", "http://127.0.0.1/x"),
            ("http://agent:p?ss@127.0.0.1/x", "http://127.0.0.1/x"),
            ("http://127.0.0.1:8080/users/me@example.com", "http://127.0.0.1:8080/users/me@example.com"),
            ("http://[::1]:8080/users/me@example.com", "http://[::1]:8080/users/me@example.com"),
        ]
    )
    func redaction(url: String, expected: String) {
        #expect(RedactedURL.removingCredentials(from: url) == expected)
    }

    @Test("CurlResultCode describes itself with libcurl's text and number")
    func codeDescription() {
        #expect(CurlResultCode.couldntConnect.description == "Couldn't connect to server (7)")
        #expect(HTTPTransportError.Code.curl(.couldntConnect) != .curl(.gotNothing))
        #expect(HTTPTransportError.Code.curl(.couldntConnect).description == "curl")
    }
}
