import AgentRetry
import Testing
import TransportTestServer

@Suite("Every failure says whether the request can have reached the server")
struct TransportFailureClassTests {
    @Test("Connection refused is notSent")
    func connectionRefused() async throws {
        let closed = try await FaultyHTTPServer.start()
        let url = "\(closed.baseURL)/ok"
        try await closed.shutdown()
        try await HTTPTransport.withTransport { transport in
            let error = try await transportError { try await transport.execute(HTTPRequest(method: .post, url: url, body: "a=1")) }
            #expect(error.code == .curl(.couldntConnect))
            #expect(error.failureClass == .notSent)
            #expect(error.wireSends == 0)
        }
    }

    @Test("A connect timeout is notSent, though its code is the one of any timeout")
    func connectTimeout() async throws {
        let listener = try UnacceptingListener()
        defer { listener.close() }
        var configuration = HTTPTransport.Configuration()
        configuration.timeout = .init(connect: .milliseconds(300), total: .seconds(5))
        try await HTTPTransport.withTransport(configuration: configuration) { transport in
            let request = HTTPRequest(method: .post, url: "http://127.0.0.1:\(listener.port)/pay", body: "a=1")
            let error = try await transportError { try await transport.execute(request) }
            #expect(error.code == .curl(.operationTimedOut))
            #expect(error.failureClass == .notSent)
            #expect(error.wireSends == 0)
        }
    }

    @Test("The server reads the whole request, then closes without answering: mayHaveBeenProcessed")
    func closedWithoutAnswer() async throws {
        try await withServerAndTransport { server, transport in
            let error = try await transportError {
                try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/drop", body: "a=1"))
            }
            #expect(error.code == .curl(.gotNothing))
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(error.wireSends == 1)
            #expect(server.requestsReceived(path: "/drop") == 1)
        }
    }

    @Test("The server stalls past the total timeout: mayHaveBeenProcessed")
    func stallPastTimeout() async throws {
        try await withServerAndTransport { server, transport in
            var request = HTTPRequest(method: .post, url: "\(server.baseURL)/stall", body: "a=1")
            request.timeout = .init(connect: .seconds(2), total: .milliseconds(300))
            let error = try await transportError { try await transport.execute(request) }
            #expect(error.code == .curl(.operationTimedOut))
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(error.wireSends == 1)
            #expect(server.requestsReceived(path: "/stall") == 1)
        }
    }

    @Test("A body cut off mid-way is mayHaveBeenProcessed, and keeps the status it came with")
    func truncatedBody() async throws {
        try await withServerAndTransport { server, transport in
            let error = try await transportError {
                try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/truncate", body: "a=1"))
            }
            #expect(error.code == .curl(.partialFile))
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(error.responseStatus == 200)
        }
    }

    @Test("A body over the cap is definitive, announced or chunked", arguments: ["/bytes", "/chunked"])
    func bodyOverCap(path: String) async throws {
        var configuration = HTTPTransport.Configuration()
        configuration.maximumResponseBodySize = 1000
        try await withServerAndTransport(configuration: configuration) { server, transport in
            let fits = try await transport.execute(HTTPRequest(url: "\(server.baseURL)\(path)?count=1000"))
            #expect(fits.body.count == 1000)
            let error = try await transportError {
                try await transport.execute(HTTPRequest(url: "\(server.baseURL)\(path)?count=300000"))
            }
            #expect(error.code == .responseBodyTooLarge)
            #expect(error.failureClass == .definitive)
            #expect(error.responseStatus == 200)
        }
    }

    @Test("Cancelling a task whose request stalls ends it within 100 ms")
    func cancellation() async throws {
        try await withServerAndTransport { server, transport in
            let task = Task { try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/stall", body: "a=1")) }
            try await waitUntil { server.requestsReceived(path: "/stall") == 1 }
            let clock = ContinuousClock()
            let started = clock.now
            task.cancel()
            let error = try await transportError { try await task.value }
            let elapsed = clock.now - started
            #expect(elapsed < .milliseconds(100), "cancellation took \(elapsed)")
            #expect(error.code == .cancelled)
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(error.wireSends == 1)
        }
    }

    @Test("A task cancelled before sending sends nothing")
    func cancelledBeforeSending() async throws {
        try await withServerAndTransport { server, transport in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/ok", body: "a=1"))
            }
            let error = try await transportError { try await task.value }
            #expect(error.code == .cancelled)
            #expect(error.failureClass == .notSent)
            #expect(server.acceptedConnections == 0)
        }
    }

    @Test("A URL libcurl cannot parse is definitive; a non-HTTP scheme is refused before sending")
    func badURLs() async throws {
        try await HTTPTransport.withTransport { transport in
            let malformed = try await transportError { try await transport.execute(HTTPRequest(url: "http://[::1/x")) }
            #expect(malformed.code == .curl(.urlMalformat))
            #expect(malformed.failureClass == .definitive)
            let ftp = try await transportError { try await transport.execute(HTTPRequest(url: "ftp://127.0.0.1/file")) }
            #expect(ftp.code == .invalidRequest)
            #expect(ftp.failureClass == .notSent)
        }
    }
}
