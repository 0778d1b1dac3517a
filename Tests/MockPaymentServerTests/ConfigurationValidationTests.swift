import MockPaymentServer
import Testing

/// `MockPaymentServer.Configuration.validate()`, which `start` runs before binding anything.
@Suite("Mock server: a configuration it cannot start with is refused before binding")
struct ConfigurationValidationTests {
    @Test("A port outside 0 to 65535 is invalidPort, naming the port; it never wraps", arguments: [70000, 65536, -1])
    func invalidPort(port: Int) async throws {
        var configuration = MockPaymentServer.Configuration()
        configuration.port = port
        do {
            let server = try await MockPaymentServer.start(configuration)
            Issue.record("port \(port) was bound as \(server.port)")
            try await server.shutdown()
        } catch let error as MockPaymentServer.ConfigurationError {
            #expect(error.code == .invalidPort)
            #expect(error.description.contains("\(port)"))
            #expect(error.description.contains("65535"))
        }
    }

    @Test("Port 0 picks a free port")
    func freePort() async throws {
        try await MockPaymentServer.withServer { server in
            #expect((1...65535).contains(server.port))
        }
    }

    @Test("A zero or negative idle timeout, a limit under 1 and a malformed allowed host are refused")
    func otherSettings() {
        var idle = MockPaymentServer.Configuration()
        idle.idleTimeout = .zero
        #expect(throws: MockPaymentServer.ConfigurationError.self) { try idle.validate() }
        idle.idleTimeout = nil
        #expect(throws: Never.self) { try idle.validate() }
        var limit = MockPaymentServer.Configuration()
        limit.maximumConnections = 0
        #expect { try limit.validate() } throws: {
            ($0 as? MockPaymentServer.ConfigurationError)?.code == .invalidMaximumConnections
        }
        for host in ["", "mock:4242", "evil example", "http://mock"] {
            var hosts = MockPaymentServer.Configuration()
            hosts.allowedHosts = [host]
            #expect(throws: MockPaymentServer.ConfigurationError.self, "\(host)") { try hosts.validate() }
        }
        var good = MockPaymentServer.Configuration()
        good.allowedHosts = ["mock_payments", "10.0.0.7", "::1"]
        #expect(throws: Never.self) { try good.validate() }
    }
}
