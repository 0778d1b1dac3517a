import AgentRetry
import AgentRetryTesting
import Testing

/// Every URL is read once, the same way, before anything is sent: ports outside 1...65535,
/// schemes other than http(s), spaces and missing hosts are refused, naming the part.
@Suite("RequestTarget: where a URL sends, or why it cannot")
struct RequestTargetTests {
    @Test(
        "A port outside 1...65535 is refused, never wrapped",
        arguments: ["0", "65536", "70000", "99999", "100000000000000000000", "00000"]
    )
    func portOutOfRange(_ port: String) {
        #expect(throws: RequestTarget.Problem.self) { try RequestTarget(url: "http://127.0.0.1:\(port)/v1") }
        do {
            _ = try RequestTarget(url: "https://agent:hunter2@api.example.com:\(port)/v1")
        } catch {
            #expect(error.part == "port")
            #expect(error.message.contains("between 1 and 65535"))
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test("The ports at the edges, and the schemes' default ports")
    func ports() throws {
        #expect(try RequestTarget(url: "http://127.0.0.1:1/").port == 1)
        #expect(try RequestTarget(url: "http://127.0.0.1:65535/").port == 65535)
        #expect(try RequestTarget(url: "http://127.0.0.1:00080/").port == 80)
        #expect(try RequestTarget(url: "http://example.com/x").port == 80)
        #expect(try RequestTarget(url: "HTTPS://Example.COM").port == 443)
        #expect(try RequestTarget(url: "http://[::1]:8080/a?b#c").port == 8080)
    }

    @Test("Scheme, host, port and path as a request's identity sees them")
    func parts() throws {
        let target = try RequestTarget(url: "HTTPS://agent:pw@API.Example.com:8443/v1/Payment_Intents?expand=x#top")
        #expect(target.scheme == "https")
        #expect(target.host == "api.example.com")
        #expect(target.port == 8443)
        #expect(target.path == "/v1/Payment_Intents")
        #expect(try RequestTarget(url: "http://example.com?x=1").path == "/")
        #expect(try RequestTarget(url: "http://[::1]/").host == "[::1]")
    }

    @Test(
        "Not an absolute http(s) URL, a space or control character, no host: refused, naming the part",
        arguments: [
            ("file:///etc/passwd", "scheme"), ("gopher://127.0.0.1:70/", "scheme"), ("ftp://example.com/", "scheme"),
            ("/v1/payment_intents", "scheme"), ("127.0.0.1:4242/v1", "scheme"),
            ("http://127.0.0.1/a b", "url"), ("http://127.0.0.1/a\r\nHost: evil", "url"),
            ("http://127.0.0.1/\u{7F}", "url"),
            ("http:///v1", "host"), ("http://:80/v1", "host"), ("http://user@/v1", "host"), ("http://[::1/", "host"),
            ("http://[::1]x/", "host"), ("http://127.0.0.1:/v1", "port"), ("http://127.0.0.1:80a/", "port"),
        ]
    )
    func refused(_ url: String, _ part: String) {
        do {
            let target = try RequestTarget(url: url)
            Issue.record("accepted \(url) as \(target)")
        } catch {
            #expect(error.part == part, "\(url): \(error.message)")
        }
    }

    @Test("A password with a / is never quoted as a port")
    func passwordNotQuoted() {
        do {
            _ = try RequestTarget(url: "https://agent:hunter/2@api.example.com/v1")
            Issue.record("accepted")
        } catch {
            #expect(error.part == "port")
            #expect(!error.message.contains("hunter"))
        }
    }

    @Test("The transport refuses a port out of range before connecting, and says so")
    func transportRefusesPort() async throws {
        try await withServerAndTransport { server, transport in
            // Wrapped to 16 bits, this port would be the server's own.
            let request = HTTPRequest(method: .post, url: "http://127.0.0.1:\(server.port + 65536)/ok", body: "a=1")
            let error = try await transportError { try await transport.execute(request) }
            #expect(error.code == .invalidRequest)
            #expect(error.failureClass == .notSent)
            #expect(error.message.contains("port"))
            try await Task.sleep(for: .milliseconds(50))
            #expect(server.acceptedConnections == 0)
        }
    }
}
