import AgentRetry
import AgentRetryPostgres
import Testing

/// A PostgreSQL port outside 1...65535 is refused before any connection: it used to wrap (99999
/// became 34463) and the password went there (issue 14, finding 1).
@Suite("PostgreSQL ports are validated before connecting")
struct PostgresConfigurationPortTests {
    typealias Configuration = PostgresIdempotencyStore.Configuration

    @Test(
        "A connection string's port out of range: invalidConfiguration naming the port, not the password",
        arguments: ["99999", "65536", "0", "70000"]
    )
    func connectionStringPort(_ port: String) {
        do {
            let configuration = try Configuration(
                connectionString: "postgres://agent:hunter22@127.0.0.1:\(port)/payments",
                environment: [:]
            )
            Issue.record("accepted port \(configuration.port)")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("port"))
            #expect(!error.message.contains("hunter22"))
        }
    }

    @Test("The edges are accepted")
    func edges() throws {
        for port in [1, 65535] {
            let configuration = try Configuration(
                connectionString: "postgres://agent@127.0.0.1:\(port)/payments",
                environment: [:]
            )
            #expect(configuration.port == port)
            try configuration.validate()
        }
    }

    @Test("A configuration made field by field with a bad port is refused by connect, before connecting")
    func fieldByField() async throws {
        var configuration = Configuration(port: 99999, username: "agent", password: "hunter22", database: "payments")
        #expect(throws: IdempotencyStoreError.self) { try configuration.validate() }
        do {
            _ = try await PostgresIdempotencyStore.connect(configuration)
            Issue.record("connected")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(!error.message.contains("hunter22"))
        }
        configuration.port = 5432
        configuration.host = ""
        #expect(throws: IdempotencyStoreError.self) { try configuration.validate() }
    }
}
