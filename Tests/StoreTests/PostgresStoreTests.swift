import AgentRetry
import AgentRetryPostgres
import AgentRetryTesting
import Foundation
import MockPaymentServer
import PostgresTestServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What only the PostgreSQL store has: connection strings, TLS, logins, concurrent migrations, and
/// a database that goes away under a running client.
@Suite("The PostgreSQL store", .serialized)
struct PostgresStoreTests {
    typealias Configuration = PostgresIdempotencyStore.Configuration

    @Test("A connection string gives every field; the password is read, percent-decoded, and never printed")
    func connectionString() throws {
        let configuration = try Configuration(
            connectionString: "postgresql://agent:s%40cr%2Ft@db.internal:6543/payments"
                + "?sslmode=verify-full&sslrootcert=/etc/ca.pem&pool_size=32&connect_timeout=3",
            environment: [:]
        )
        #expect(configuration.host == "db.internal" && configuration.port == 6543)
        #expect(
            configuration.username == "agent" && configuration.password == "s@cr/t"
                && configuration.database == "payments"
        )
        #expect(configuration.tls == .verifyFull(rootCertificatePath: "/etc/ca.pem"))
        #expect(configuration.pool.maximumConnections == 32 && configuration.connectTimeout == .seconds(3))
        #expect(!"\(configuration)".contains("s@cr/t") && !"\(configuration)".contains("s%40cr"))

        let defaults = try Configuration(
            connectionString: "postgres://agent@127.0.0.1/payments",
            environment: ["PGPASSWORD": "from-env"]
        )
        #expect(
            defaults.port == 5432 && defaults.password == "from-env" && defaults.tls == .prefer
                && defaults.pool.maximumConnections == 8
        )
    }

    @Test(
        "A malformed connection string is a typed error naming the part at fault, never the password",
        arguments: [
            ("/var/lib/store.sqlite", "postgres://"), ("postgres://agent:hunter22@/payments", "host"),
            ("postgres://hunter22@127.0.0.1:5432", "database"),
            ("postgres://agent:hunter22@127.0.0.1/payments?sslmode=always", "sslmode"),
            ("postgres://agent:hunter22@127.0.0.1/p?pool_size=0", "pool_size"),
            ("postgres://agent:hunter22@127.0.0.1/p?application=x", "unknown parameter"),
            ("postgres://:hunter22@127.0.0.1/p", "user"),
        ]
    )
    func malformedConnectionString(_ text: String, _ named: String) {
        #expect {
            try Configuration(connectionString: text, environment: [:])
        } throws: { error in
            guard let error = error as? IdempotencyStoreError else { return false }
            return error.code == .invalidConfiguration && error.message.contains(named)
                && !"\(error)".contains("hunter22")
        }
    }

    @Test(
        "TLS: disable, prefer, require, verify-ca and verify-full with the server's CA connect, and TLS is really used",
        arguments: ["disable", "prefer", "require", "verify-ca", "verify-full"]
    )
    func tlsModes(_ mode: String) async throws {
        let server = try await PostgresTestServer.shared()
        let database = try await server.makeDatabase().database
        let url = server.url(database: database) + "?sslmode=\(mode)&sslrootcert=\(server.caPath)"
        let store = try await PostgresIdempotencyStore.connect(try Configuration(connectionString: url))
        let record = makeRecord()
        #expect(try await store.insertIfAbsent(record) == record)
        let encrypted = try await server.execute(
            """
            SELECT CAST(bool_and(s.ssl) AS TEXT) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
            WHERE a.application_name = 'agentretry' AND a.datname = '\(database)'
            """,
            database: "postgres"
        )
        #expect(encrypted == [mode == "disable" ? "false" : "true"])
        await store.close()
    }

    @Test("verify-full refuses a server whose CA is not trusted: a typed error, no connection")
    func untrustedServer() async throws {
        let server = try await PostgresTestServer.shared()
        var configuration = try await server.makeDatabase()
        configuration.tls = .verifyFull()
        let error = await storeError { _ = try await PostgresIdempotencyStore.connect(configuration) }
        #expect(error?.code == .unavailable)
    }

    @Test(
        "A password login (SCRAM) works; a wrong password and an absent server are typed errors without the password"
    )
    func loginAndReachability() async throws {
        let server = try await PostgresTestServer.shared()
        let database = try await server.makeDatabase().database
        try await server.execute("GRANT ALL ON SCHEMA public TO agentretry_scram", database: database)
        let login = try Configuration(
            connectionString: String(server.passwordURL.dropLast("postgres".count)) + database + "?sslmode=disable"
        )
        let store = try await PostgresIdempotencyStore.connect(login)
        let record = makeRecord()
        #expect(try await store.insertIfAbsent(record) == record)
        await store.close()

        var wrong = login
        wrong.password = "not-the-password-4711"
        let refused = await storeError { _ = try await PostgresIdempotencyStore.connect(wrong) }
        #expect(refused?.code == .unavailable)
        #expect(refused.map { !"\($0)".contains("4711") && !String(reflecting: $0).contains("4711") } == true)

        var absent = try server.configuration(database: "postgres")
        absent.port = 1  // nothing listens on port 1
        absent.connectTimeout = .seconds(2)
        absent.operationTimeout = .seconds(5)
        let started = ContinuousClock.now
        let unreachable = await storeError { _ = try await PostgresIdempotencyStore.connect(absent) }
        #expect(unreachable?.code == .unavailable)
        #expect(unreachable?.message.contains("127.0.0.1:1/postgres") == true)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("Eight processes' first connections to a new database migrate it once, together")
    func concurrentMigration() async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try await server.makeDatabase()
        let stores = try await concurrently(8) { _ in try await PostgresIdempotencyStore.connect(configuration) }
        #expect(
            try await server.execute(
                "SELECT CAST(count(*) AS TEXT) FROM agentretry_schema_version",
                database: configuration.database
            ) == ["3"]
        )
        let record = makeRecord()
        _ = try await stores[3].insertIfAbsent(record)
        #expect(try await stores[5].record(for: record.key) == record)
        for store in stores { await store.close() }
    }

    @Test(
        "A database whose default isolation is repeatable read or serializable still creates one record per intent",
        arguments: ["repeatable read", "serializable"]
    )
    func isolationDefault(_ isolation: String) async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try await server.makeDatabase()
        try await server.execute(
            "ALTER DATABASE \(configuration.database) SET default_transaction_isolation = '\(isolation)'",
            database: "postgres"
        )
        let stores = try await concurrently(2) { _ in try await PostgresIdempotencyStore.connect(configuration) }
        let identity = "isolation-\(UUID().uuidString)"
        let results = try await concurrently(24) { index in
            try await stores[index % 2].insertAndLease(
                makeRecord(key: "secret-\(index)", identity: identity),
                owner: "owner-\(index)",
                leaseExpiresAt: epoch + 30,
                now: epoch,
                adoptingFinished: true
            )
        }
        #expect(Set(results.map(\.record.key)).count == 1)
        #expect(results.filter(\.leased).count == 1)
        for store in stores { await store.close() }
    }

    @Test("An agents' role with grants but no right to create tables uses a store an administrator migrated")
    func grantedRole() async throws {
        let server = try await PostgresTestServer.shared()
        let admin = try await server.makeDatabase()
        await (try await PostgresIdempotencyStore.connect(admin)).close()
        let role = "agents_\(UUID().uuidString.prefix(8).lowercased())"
        try await server.execute("CREATE ROLE \(role) LOGIN", database: "postgres")
        for grant in [
            "GRANT USAGE ON SCHEMA public TO \(role)", "GRANT SELECT ON agentretry_schema_version TO \(role)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON agentretry_record, agentretry_setting TO \(role)",
            """
            GRANT SELECT, INSERT, UPDATE, DELETE ON agentretry_webhook_event, agentretry_webhook_delivery, \
            agentretry_webhook_order TO \(role)
            """,
            "GRANT EXECUTE ON FUNCTION agentretry_insert_and_lease TO \(role)",
        ] {
            try await server.execute(grant, database: admin.database)
        }
        var agents = admin
        agents.username = role
        agents.password = nil
        let store = try await PostgresIdempotencyStore.connect(agents)
        var record = try await store.insertAndLease(
            makeRecord(),
            owner: "agent",
            leaseExpiresAt: epoch + 30,
            now: epoch,
            adoptingFinished: true
        ).record
        record.state = .succeeded
        record.updatedAt = epoch + 1
        record.outcome = .init(status: 200, headers: [:], body: [1])
        try await store.finish(record, owner: "agent")
        #expect(try await store.record(for: record.key)?.state == .succeeded)
        #expect(try await store.setting(named: "namespace_secret") { [7, 7] } == [7, 7])
        #expect(try await store.removeFinishedRecords(expiredBefore: .distantFuture, now: epoch + 2) == 1)
        let event = WebhookInboxEvent(
            dedupKey: "stripe:evt_1",
            scheme: "stripe",
            orderID: "pi_1",
            orderStatus: "succeeded",
            orderRank: 1,
            body: [1],
            receivedAt: epoch
        )
        #expect(try await store.recordWebhookEvent(event), "the role can keep the webhook inbox")
        let claim = try await store.claimWebhookEvent(consumer: "c", owner: "o", claimUntil: epoch + 9, now: epoch)
        try await store.completeWebhookDelivery(try #require(claim), now: epoch)
        #expect(try await store.webhookOrders(matching: WebhookInboxQuery(orderID: "pi_1")).count == 1)
        await store.close()

        // The same role cannot create the schema in a new database: a typed error, nothing half-made.
        var fresh = try await server.makeDatabase()
        fresh.username = role
        fresh.password = nil
        let refused = await storeError { _ = try await PostgresIdempotencyStore.connect(fresh) }
        #expect(refused?.code == .unavailable)
        #expect(
            try await server.execute(
                "SELECT CAST(to_regclass('agentretry_record') IS NULL AS TEXT)",
                database: fresh.database
            ) == ["true"]
        )
    }

    @Test("A database that does not commit durably (synchronous_commit=off) is refused on connecting")
    func nonDurableDatabase() async throws {
        let server = try await PostgresTestServer.shared()
        let configuration = try await server.makeDatabase()
        try await server.execute(
            "ALTER DATABASE \(configuration.database) SET synchronous_commit = off",
            database: "postgres"
        )
        let error = await storeError { _ = try await PostgresIdempotencyStore.connect(configuration) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("synchronous_commit=off") == true)
    }

    @Test(
        "A database that stops answering (SIGSTOPped) is a typed error within the operation timeout, not a hang"
    )
    func silentDatabase() async throws {
        let database = try await PostgresTestServer.startDedicated()
        var configuration = try database.configuration(database: "postgres")
        configuration.operationTimeout = .seconds(3)
        let store = try await Self.connectMigrated(configuration)
        let record = makeRecord()
        _ = try await store.insertIfAbsent(record)
        try database.signal(SIGSTOP)
        let started = ContinuousClock.now
        let error = await storeError {
            _ = try await store.insertAndLease(
                record,
                owner: "me",
                leaseExpiresAt: epoch + 30,
                now: epoch,
                adoptingFinished: true
            )
        }
        let waited = ContinuousClock.now - started
        try database.signal(SIGCONT)
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("no answer within") == true)
        #expect(waited < .seconds(6))
        // Once the server answers again, so does the store.
        #expect(try await store.record(for: record.key)?.key == record.key)
        await store.close()
        await database.stop()
    }

    /// Connects with `configuration`'s short timeouts to a database whose schema a first store, with
    /// the default timeouts, has just created: a busy machine's first migration does not count.
    static func connectMigrated(_ configuration: Configuration) async throws -> PostgresIdempotencyStore {
        var patient = configuration
        patient.operationTimeout = .seconds(30)
        await (try await PostgresIdempotencyStore.connect(patient)).close()
        return try await PostgresIdempotencyStore.connect(configuration)
    }

    @Test("The database dies mid-call: the client stops with a typed store error and sends nothing it has not recorded")
    func databaseDiesMidCall() async throws {
        let database = try await PostgresTestServer.startDedicated()
        var configuration = try database.configuration(database: "postgres")
        configuration.connectTimeout = .seconds(1)
        configuration.operationTimeout = .seconds(3)
        let store = try await Self.connectMigrated(configuration)

        var mockConfiguration = MockPaymentServer.Configuration()
        // The first attempt gets a 503, so the client wants to retry: it must record the retry first.
        mockConfiguration.faults = [
            FaultRule(
                method: "POST",
                path: "/v1/payment_intents",
                action: .statusBefore(status: 503, retryAfter: nil),
                probability: 1,
                count: 1
            )
        ]
        let mock = try await MockPaymentServer.start(mockConfiguration)
        let transport = HTTPTransport()
        var clientConfiguration = IdempotentClient.Configuration(
            policy: try RetryPolicy(maximumAttempts: 5, initialBackoff: .milliseconds(10))
        )
        // The database is killed (pg_ctl stop -m immediate) right after the first attempt is recorded.
        clientConfiguration.onEvent = { event in
            if case .persistedBeforeSending(_, _, attempt: 1) = event { await database.stop() }
        }
        let client = IdempotentClient(
            transport: transport,
            store: store,
            secret: try .init(bytes: Array("postgres-test-secret-0123456789".utf8)),
            configuration: clientConfiguration
        )
        var request = HTTPRequest(
            method: .post,
            url: mock.baseURL + "/v1/payment_intents",
            body: "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true"
        )
        request.headers.add(name: "Authorization", value: "Bearer sk_test_postgres")
        let intent = IdempotencyIntent(
            namespace: "tests",
            operation: "payment_intent.create",
            inputs: ["task_id": .string("dies-mid-call")]
        )

        await #expect {
            _ = try await client.send(request, intent: intent)
        } throws: { error in
            guard let error = error as? IdempotentCallError, error.code == .store else { return false }
            return (error.underlying as? IdempotencyStoreError)?.code == .unavailable
        }
        // Exactly the recorded attempt reached the server; the retry was never sent.
        #expect(mock.journal.filter { $0.path == "/v1/payment_intents" }.count == 1)
        // A new call with the database gone sends nothing at all.
        let other = IdempotencyIntent(
            namespace: "tests",
            operation: "payment_intent.create",
            inputs: ["task_id": .string("after-death")]
        )
        await #expect(throws: IdempotentCallError.self) { _ = try await client.send(request, intent: other) }
        #expect(mock.journal.count == 1)
        #expect(mock.ledger.isEmpty)
        await transport.shutdown()
        try await mock.shutdown()
        await store.close()
    }
}
