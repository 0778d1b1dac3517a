import AgentRetry
import AgentRetryTesting
import Testing

@Suite("Requests that must not be sent are refused before a byte leaves")
struct TransportRequestValidationTests {
    @Test(
        "A header with CR, LF or NUL, or a name that is not a token, is refused and nothing reaches the server",
        arguments: [
            ("X-Note", "a\r\nInjected: yes"),
            ("X-Note", "line\nbreak"),
            ("X-Note", "nul\u{0}byte"),
            ("Bad Name", "v"),
            ("X-Evil\r\nInjected", "v"),
            ("", "v"),
        ]
    )
    func invalidHeaderRefused(name: String, value: String) async throws {
        try await withServerAndTransport { server, transport in
            var request = HTTPRequest(method: .post, url: "\(server.baseURL)/ok", body: "a=1")
            request.headers.add(name: "Authorization", value: "Bearer sk_test_secret")
            request.headers.add(name: name, value: value)
            let error = try await transportError { try await transport.execute(request) }
            #expect(error.code == .invalidHeader)
            #expect(error.failureClass == .notSent)
            #expect(error.wireSends == 0)
            #expect(!error.description.contains("sk_test_secret"))
            #expect(!error.description.contains("Injected: yes"))
            #expect(!error.message.contains(value) || value == "v")
            // Give a stray connection time to show up before asserting none came.
            try await Task.sleep(for: .milliseconds(50))
            #expect(server.acceptedConnections == 0)
            #expect(server.requestsReceived == 0)
        }
    }

    @Test("Header names compare case-insensitively and may repeat")
    func headerLookup() {
        var headers: HTTPHeaders = ["Retry-After": "2", "Set-Cookie": "a=1"]
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers["SET-COOKIE"] == ["a=1", "b=2"])
        #expect(headers.first(name: "retry-after") == "2")
        headers.replaceOrAdd(name: "RETRY-AFTER", value: "5")
        #expect(headers["Retry-After"] == ["5"])
        headers.remove(name: "Set-Cookie")
        #expect(!headers.contains(name: "set-cookie"))
        #expect(headers.count == 1)
    }

    @Test("A header name that is a whole pasted header line is refused without being quoted")
    func pastedHeaderLineNotQuoted() async throws {
        try await HTTPTransport.withTransport { transport in
            var request = HTTPRequest(method: .post, url: "http://127.0.0.1:1/x", body: "a=1")
            request.headers.add(name: "Authorization: Bearer sk_live_pasted", value: "")
            let error = try await transportError { try await transport.execute(request) }
            #expect(error.code == .invalidHeader)
            #expect(!error.description.contains("sk_live_pasted"))
        }
    }

    @Test("Proxy credentials quoted by libcurl are scrubbed from messages")
    func proxyCredentialsScrubbed() async throws {
        var configuration = HTTPTransport.Configuration()
        configuration.proxy = "foo://agent:hunter2@127.0.0.1:9"
        try await HTTPTransport.withTransport(configuration: configuration) { transport in
            let error = try await transportError {
                try await transport.execute(HTTPRequest(url: "http://127.0.0.1:1/x"))
            }
            #expect(!error.description.contains("hunter2"))
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test("Printing or dumping a request shows no header value, body or URL password")
    func requestDescriptionHidesSecrets() {
        var request = HTTPRequest(
            method: .post,
            url: "https://agent:hunter2@api.example.com/v1/refunds",
            body: "card=4242424242424242"
        )
        request.headers.add(name: "Authorization", value: "Bearer sk_test_secret")
        var dumped = ""
        dump(request, to: &dumped)
        for text in ["\(request)", String(reflecting: request), dumped, "\(request.headers)"] {
            #expect(!text.contains("hunter2"))
            #expect(!text.contains("sk_test_secret"))
            #expect(!text.contains("4242424242424242"))
        }
        #expect("\(request)".contains("Authorization"))
    }

    @Test("Errors and header descriptions carry no credentials")
    func noSecretsInErrors() async throws {
        let closed = try await FaultyHTTPServer.start()
        let port = closed.port
        try await closed.shutdown()
        try await HTTPTransport.withTransport { transport in
            var request = HTTPRequest(
                method: .post,
                url: "http://agent:hunter2@127.0.0.1:\(port)/v1/payment_intents",
                body: "card=4242"
            )
            request.headers.add(name: "Authorization", value: "Bearer sk_test_secret")
            let error = try await transportError { try await transport.execute(request) }
            #expect(error.url == "http://127.0.0.1:\(port)/v1/payment_intents")
            for text in [error.description, error.message, "\(request.headers)"] {
                #expect(!text.contains("hunter2"))
                #expect(!text.contains("sk_test_secret"))
                #expect(!text.contains("4242"))
            }
        }
    }
}
