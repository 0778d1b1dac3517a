import AgentRetry
import AgentRetryTesting
import Testing

@Suite("Transport connections and concurrency")
struct TransportConnectionTests {
    @Test("100 sequential requests travel on one TCP connection")
    func keepAliveReuse() async throws {
        try await withServerAndTransport { server, transport in
            var newConnections = 0
            for index in 0..<100 {
                let response = try await transport.execute(HTTPRequest(url: "\(server.baseURL)/echo?n=\(index)"))
                #expect(response.status == 200)
                #expect(response.bodyText.hasPrefix("GET /echo?n=\(index)\n"))
                #expect(response.wireSends == 1)
                newConnections += response.metrics.newConnections
            }
            #expect(server.acceptedConnections == 1)
            #expect(server.requestsReceived(path: "/echo") == 100)
            #expect(newConnections == 1)
        }
    }

    @Test("200 concurrent requests through one transport all complete")
    func concurrentRequests() async throws {
        try await withServerAndTransport { server, transport in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let response = try await transport.execute(
                            HTTPRequest(url: "\(server.baseURL)/delay?ms=\(index % 20)")
                        )
                        return response.status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(server.requestsReceived(path: "/delay") == 200)
            // The pool's per-host limit (32 by default) bounds the connections opened.
            #expect(server.acceptedConnections <= 32)
        }
    }

    @Test("A 4xx or 5xx status is a response, not an error")
    func errorStatusIsAResponse() async throws {
        try await withServerAndTransport { server, transport in
            let response = try await transport.execute(
                HTTPRequest(method: .post, url: "\(server.baseURL)/status/503", body: "x=1")
            )
            #expect(response.status == 503)
            #expect(response.bodyText == "status 503")
            #expect(response.headers.first(name: "content-length") == "10")
            #expect(response.headers.first(name: "CONTENT-TYPE") == "text/plain")
        }
    }

    @Test("Headers repeat, keep their order, and the body goes out as given")
    func headersAndBody() async throws {
        try await withServerAndTransport { server, transport in
            var request = HTTPRequest(method: .post, url: "\(server.baseURL)/echo", body: "amount=500&currency=eur")
            request.headers.add(name: "X-Trace", value: "first")
            request.headers.add(name: "x-trace", value: "second")
            request.headers.add(name: "Idempotency-Key", value: "key-1")
            let response = try await transport.execute(request)
            let lines = response.bodyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "POST /echo")
            #expect(lines.filter { $0.lowercased().hasPrefix("x-trace:") } == ["X-Trace: first", "x-trace: second"])
            #expect(lines.contains("Idempotency-Key: key-1"))
            #expect(!lines.contains { $0.lowercased().hasPrefix("expect:") })
            #expect(lines.last == "amount=500&currency=eur")
        }
    }

    @Test("PUT, PATCH and DELETE carry their method, with or without a body")
    func otherMethods() async throws {
        try await withServerAndTransport { server, transport in
            for method in [HTTPMethod.put, .patch, .delete] {
                let withBody = try await transport.execute(
                    HTTPRequest(method: method, url: "\(server.baseURL)/echo", body: "a=1")
                )
                #expect(withBody.bodyText.hasPrefix("\(method) /echo\n"))
                #expect(withBody.bodyText.hasSuffix("\na=1"))
                let without = try await transport.execute(HTTPRequest(method: method, url: "\(server.baseURL)/echo"))
                #expect(without.bodyText.hasPrefix("\(method) /echo\n"))
            }
        }
    }

    @Test("After shutdown a request fails unsent, and a stalled one fails as possibly processed")
    func shutdown() async throws {
        let server = try await FaultyHTTPServer.start()
        let transport = HTTPTransport()
        let stalled = Task {
            try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/stall", body: "a=1"))
        }
        try await waitUntil { server.requestsReceived(path: "/stall") == 1 }
        await transport.shutdown()
        let inFlight = try await transportError { try await stalled.value }
        #expect(inFlight.code == .transportShutDown)
        #expect(inFlight.failureClass == .mayHaveBeenProcessed)
        let after = try await transportError { try await transport.execute(HTTPRequest(url: "\(server.baseURL)/ok")) }
        #expect(after.code == .transportShutDown)
        #expect(after.failureClass == .notSent)
        try await server.shutdown()
    }
}
