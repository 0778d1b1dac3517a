import AgentRetry
import AgentRetryTesting
import Testing

/// libcurl re-sends a request by itself when a reused keep-alive connection dies before any response
/// byte arrives. These tests make a server close a kept-alive connection after reading a request.
@Suite("libcurl's hidden re-send on a dead kept-alive connection is prevented or visible")
struct TransportResendTests {
    /// Opens the kept-alive connection with one good request, then sends `request` on it.
    private func sendOnReusedConnection(
        _ request: HTTPRequest,
        server: FaultyHTTPServer,
        transport: HTTPTransport
    ) async throws -> HTTPResponse {
        let warmUp = try await transport.execute(HTTPRequest(url: "\(server.baseURL)/ok"))
        #expect(warmUp.status == 200)
        return try await transport.execute(request)
    }

    @Test("By default a POST is not re-sent: one send, a typed mayHaveBeenProcessed error")
    func postIsNotResent() async throws {
        try await withServerAndTransport { server, transport in
            let request = HTTPRequest(method: .post, url: "\(server.baseURL)/drop-on-reused", body: "amount=500")
            let error = try await transportError {
                try await self.sendOnReusedConnection(request, server: server, transport: transport)
            }
            #expect(error.code == .resendPrevented)
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(error.wireSends == 1)
            // libcurl may open the fresh connection before the send is refused; nothing goes on it.
            #expect(server.requestsReceived(path: "/drop-on-reused") == 1)
        }
    }

    @Test("When re-sending is allowed, every send is counted on the response")
    func allowedResendIsCounted() async throws {
        try await withServerAndTransport { server, transport in
            var request = HTTPRequest(method: .post, url: "\(server.baseURL)/drop-on-reused", body: "amount=500")
            request.staleConnectionResend = .always
            let response = try await self.sendOnReusedConnection(request, server: server, transport: transport)
            #expect(response.status == 200)
            #expect(response.wireSends == 2)
            #expect(server.requestsReceived(path: "/drop-on-reused") == 2)
            #expect(server.acceptedConnections == 2)
        }
    }

    @Test("An idempotent GET may be re-sent by default, and the count shows it")
    func getIsResentVisibly() async throws {
        try await withServerAndTransport { server, transport in
            let request = HTTPRequest(url: "\(server.baseURL)/drop-on-reused")
            let response = try await self.sendOnReusedConnection(request, server: server, transport: transport)
            #expect(response.status == 200)
            #expect(response.wireSends == 2)
            #expect(server.requestsReceived(path: "/drop-on-reused") == 2)
        }
    }

    @Test("A re-send that fails again reports both sends on the error")
    func failedResendCountsBothSends() async throws {
        var configuration = HTTPTransport.Configuration()
        configuration.staleConnectionResend = .always
        try await withServerAndTransport(configuration: configuration) { server, transport in
            let request = HTTPRequest(method: .post, url: "\(server.baseURL)/drop", body: "amount=500")
            let error = try await transportError {
                try await self.sendOnReusedConnection(request, server: server, transport: transport)
            }
            #expect(error.failureClass == .mayHaveBeenProcessed)
            #expect(error.wireSends == 2)
            #expect(server.requestsReceived(path: "/drop") == 2)
        }
    }
}
