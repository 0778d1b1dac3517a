import AgentRetry
import AgentRetryTesting
import Testing

@Suite("Every failure says whether the request can have reached the server")
struct TransportFailureClassTests {
    @Test("Connection refused is notSent")
    func connectionRefused() async throws {
        let closed = try await FaultyHTTPServer.start()
        let url = "\(closed.baseURL)/ok"
        try await closed.shutdown()
        try await HTTPTransport.withTransport { transport in
            let error = try await transportError {
                try await transport.execute(HTTPRequest(method: .post, url: url, body: "a=1"))
            }
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

    @Test("Cancelling a task whose request stalls ends it at once, not at its 30 s timeout")
    func cancellation() async throws {
        try await withServerAndTransport { server, transport in
            // Five rounds, judged by the median: the whole suite (child processes and PostgreSQL
            // servers included) runs in parallel on two cores, so the bounds are loose against
            // scheduling delays of the test task itself; a transport that ignored cancellation would
            // take the 30 s timeout.
            var elapsed: [Duration] = []
            for round in 1...5 {
                let task = Task {
                    try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/stall", body: "a=1"))
                }
                try await waitUntil { server.requestsReceived(path: "/stall") == round }
                let clock = ContinuousClock()
                let started = clock.now
                task.cancel()
                let error = try await transportError { try await task.value }
                elapsed.append(clock.now - started)
                #expect(error.code == .cancelled)
                #expect(error.failureClass == .mayHaveBeenProcessed)
                #expect(error.wireSends == 1)
            }
            let sorted = elapsed.sorted()
            #expect(sorted[2] < .seconds(5), "median cancellation took \(sorted[2]); all: \(elapsed)")
            #expect(sorted[4] < .seconds(15), "slowest cancellation took \(sorted[4])")
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
            try await Task.sleep(for: .milliseconds(50))
            #expect(server.acceptedConnections == 0)
        }
    }

    @Test("Cancellation at any moment ends the request at once, and counters never come from an earlier request")
    func cancellationRaces() async throws {
        try await withServerAndTransport { server, transport in
            // Leave the pooled handle with the counters of a slow, sent request.
            _ = try await transport.execute(
                HTTPRequest(method: .post, url: "\(server.baseURL)/delay?ms=200", body: "a=1")
            )
            var request = HTTPRequest(method: .post, url: "\(server.baseURL)/stall", body: "a=1")
            request.timeout = .init(connect: .seconds(30), total: .seconds(30))
            let clock = ContinuousClock()
            for round in 0..<200 {
                let task = Task { try await transport.execute(request) }
                if round % 2 == 1 { await Task.yield() }
                let started = clock.now
                task.cancel()
                let error = try await transportError { try await task.value }
                let elapsed = clock.now - started
                #expect(error.code == .cancelled)
                // Well before the 30 s timeout: a liveness bound, loose, as the suite runs child processes
                // beside it on two cores.
                #expect(elapsed < .seconds(10), "round \(round): cancellation took \(elapsed)")
                if error.wireSends == 0 {
                    #expect(error.metrics.requestBytesSent == 0, "round \(round): counters of an earlier request")
                    // The earlier request took 200 ms or more; this one's own counters stay below that.
                    #expect(
                        error.metrics.totalTime < .milliseconds(200),
                        "round \(round): counters of an earlier request"
                    )
                }
            }
        }
    }

    @Test("A request is not queued behind another request's unanswered one on plain http")
    func noQueueingBehindUnansweredRequest() async throws {
        try await withServerAndTransport { server, transport in
            let stalled = Task {
                try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/stall", body: "a=1"))
            }
            try await waitUntil { server.requestsReceived(path: "/stall") == 1 }
            let clock = ContinuousClock()
            let started = clock.now
            let response = try await transport.execute(HTTPRequest(url: "\(server.baseURL)/ok"))
            #expect(response.status == 200)
            // The stalled request never ends on its own: queued behind it, this one would not either.
            #expect(clock.now - started < .seconds(10))
            stalled.cancel()
            _ = try? await stalled.value
        }
    }

    @Test("A server that processed the request and answers in an unknown protocol is mayHaveBeenProcessed")
    func weirdProtocolAfterSending() async throws {
        try await withServerAndTransport { server, transport in
            let error = try await transportError {
                try await transport.execute(
                    HTTPRequest(method: .post, url: "\(server.baseURL)/weird-version", body: "a=1")
                )
            }
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(error.wireSends == 1)
            #expect(server.requestsReceived(path: "/weird-version") == 1)
        }
    }

    @Test("A URL libcurl cannot parse is definitive; a non-HTTP scheme is refused before sending")
    func badURLs() async throws {
        try await HTTPTransport.withTransport { transport in
            // A host libcurl's parser refuses (the authority itself is read by RequestTarget first).
            let malformed = try await transportError { try await transport.execute(HTTPRequest(url: "http://a^b/x")) }
            #expect(malformed.code == .curl(.urlMalformat))
            #expect(malformed.failureClass == .definitive)
            let unclosed = try await transportError { try await transport.execute(HTTPRequest(url: "http://[::1/x")) }
            #expect(unclosed.code == .invalidRequest)
            #expect(unclosed.failureClass == .notSent)
            let ftp = try await transportError { try await transport.execute(HTTPRequest(url: "ftp://127.0.0.1/file")) }
            #expect(ftp.code == .invalidRequest)
            #expect(ftp.failureClass == .notSent)
            let headWithBody = try await transportError {
                try await transport.execute(HTTPRequest(method: .head, url: "http://127.0.0.1:1/x", body: [1]))
            }
            #expect(headWithBody.code == .invalidRequest)
        }
    }
}
