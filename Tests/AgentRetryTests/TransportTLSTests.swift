import AgentRetry
import AgentRetryTesting
import Testing

@Suite("TLS verification and HTTP/2 against a real nghttpd", .serialized)
struct TransportTLSTests {
    private func withTLSServer(_ body: (TLSTestServer) async throws -> Void) async throws {
        let server = try await TLSTestServer()
        defer { server.stop() }
        try await body(server)
    }

    @Test("With the server's CA trusted, HTTP/2 is negotiated and concurrent requests share one connection")
    func http2WithTrustedCA() async throws {
        try await self.withTLSServer { server in
            var configuration = HTTPTransport.Configuration()
            configuration.tls.caBundlePath = server.certificatePath
            try await HTTPTransport.withTransport(configuration: configuration) { transport in
                let first = try await transport.execute(HTTPRequest(url: "\(server.baseURL)/ok"))
                #expect(first.status == 200)
                #expect(first.httpVersion == "2")
                #expect(first.bodyText == "ok")
                let url = "\(server.baseURL)/ok"
                let connections = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<50 {
                        group.addTask { try await transport.execute(HTTPRequest(url: url)).metrics.newConnections }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(connections == 0, "50 requests after the first opened \(connections) new connections")
            }
        }
    }

    @Test("HTTP/1.1 only offers no HTTP/2 in ALPN, so an HTTP/2-only server cannot answer")
    func http1OnlyOverTLS() async throws {
        try await self.withTLSServer { server in
            var configuration = HTTPTransport.Configuration()
            configuration.tls.caBundlePath = server.certificatePath
            configuration.httpVersion = .http1Only
            try await HTTPTransport.withTransport(configuration: configuration) { transport in
                let error = try await transportError {
                    try await transport.execute(HTTPRequest(url: "\(server.baseURL)/ok"))
                }
                // The handshake succeeded and an HTTP/1.1 request went out, which nghttpd drops unanswered:
                // with HTTP/2 allowed the same request succeeds (first test of this suite).
                #expect(error.code == .curl(.gotNothing))
                #expect(error.failureClass == .mayHaveBeenProcessed)
                #expect(error.wireSends == 1)
            }
        }
    }

    @Test("Over plain HTTP, automatic stays on HTTP/1.1 and never asks for an h2c upgrade")
    func noCleartextUpgrade() async throws {
        try await withServerAndTransport { server, transport in
            let response = try await transport.execute(HTTPRequest(url: "\(server.baseURL)/echo"))
            #expect(response.httpVersion == "1.1")
            #expect(!response.bodyText.lowercased().contains("upgrade"))
        }
    }

    @Test("An untrusted certificate is definitive and nothing is sent")
    func untrustedCertificate() async throws {
        try await self.withTLSServer { server in
            try await HTTPTransport.withTransport { transport in
                let error = try await transportError {
                    try await transport.execute(HTTPRequest(method: .post, url: "\(server.baseURL)/ok", body: "a=1"))
                }
                #expect(error.code == .curl(.peerFailedVerification))
                #expect(error.failureClass == .definitive)
                #expect(error.wireSends == 0)
            }
        }
    }

    @Test("Skipping verification takes an explicitly named option")
    func insecureSkipAll() async throws {
        try await self.withTLSServer { server in
            var configuration = HTTPTransport.Configuration()
            configuration.tls.certificateVerification = .insecureSkipAll
            try await HTTPTransport.withTransport(configuration: configuration) { transport in
                let response = try await transport.execute(HTTPRequest(url: "\(server.baseURL)/ok"))
                #expect(response.status == 200)
            }
        }
    }

    @Test("A TLS handshake that fails before any request byte is notSent")
    func handshakeFailure() async throws {
        try await withServerAndTransport { server, transport in
            let url = "https://127.0.0.1:\(server.port)/ok"
            let error = try await transportError {
                try await transport.execute(HTTPRequest(method: .post, url: url, body: "a=1"))
            }
            #expect(error.code == .curl(.sslConnectError))
            #expect(error.failureClass == .notSent)
            #expect(error.wireSends == 0)
            #expect(server.requestsReceived == 0)
        }
    }
}
