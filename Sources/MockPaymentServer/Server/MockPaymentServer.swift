import AgentRetry
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fault-injecting mock payment server on SwiftNIO: Stripe-compatible PaymentIntents and ACP
/// merchant endpoints in every released version (played as a ``MerchantProfile``), with real
/// server-side idempotency, a fault injector, and a ledger of every money movement, so tests can
/// prove "charged exactly once".
///
/// ```swift
/// let server = try await MockPaymentServer.start()
/// server.addFaults([FaultRule(method: "POST", path: "/v1/payment_intents", action: .dropAfterCommit, count: 1)])
/// // ... point the agent at server.baseURL ...
/// #expect(server.duplicateCharges.isEmpty)
/// try await server.shutdown()
/// ```
///
/// State lives in memory behind one lock. The admin API under `/__admin` does over HTTP what the
/// methods here do in process.
public final class MockPaymentServer: Sendable {
    /// The bound port.
    public let port: Int
    /// `http://HOST:PORT`.
    public let baseURL: String
    let core: MockPaymentCore
    private let channel: any Channel
    private let connections: ConnectionTracker

    private init(channel: any Channel, core: MockPaymentCore, host: String, connections: ConnectionTracker) {
        self.channel = channel
        self.core = core
        self.port = channel.localAddress?.port ?? 0
        self.baseURL = "http://\(host):\(self.port)"
        self.connections = connections
        core.baseURL = self.baseURL
    }

    /// Binds and starts a server.
    /// Throws ``ConfigurationError`` before binding anything when the configuration does not pass
    /// ``Configuration/validate()`` (a port outside 0 to 65535, no or an unknown ACP version, ...).
    public static func start(_ configuration: Configuration = Configuration()) async throws -> MockPaymentServer {
        try configuration.validate()
        let core = MockPaymentCore(configuration: configuration)
        let tracker = ConnectionTracker(limit: configuration.maximumConnections)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 512)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let admission = tracker.admit(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try Self.configurePipeline(of: channel, admission: admission, core: core)
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        return MockPaymentServer(channel: channel, core: core, host: configuration.host, connections: tracker)
    }

    /// A served connection: the idle timeout, the raw writer of the `garbage` fault, HTTP, the
    /// mock. One over the limit: HTTP and the refuser.
    private static func configurePipeline(
        of channel: any Channel,
        admission: ConnectionTracker.Admission,
        core: MockPaymentCore
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        let configuration = core.configuration
        switch admission {
        case .served:
            if let idle = configuration.idleTimeout {
                try pipeline.addHandler(IdleStateHandler(allTimeout: TimeAmount(idle)))
            }
            let raw = RawSocketWriter()
            try pipeline.addHandler(raw)
            try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
            try pipeline.addHandler(MockHTTPHandler(core: core, raw: raw))
        case .refused:
            try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
            try pipeline.addHandler(ConnectionRefuser(configuration: configuration, answers: true))
        case .dropped:
            try pipeline.addHandler(ConnectionRefuser(configuration: configuration, answers: false))
        }
    }

    /// Runs `body` with a server started with `configuration`, and shuts the server down
    /// afterwards, whether `body` throws or not.
    public static func withServer<Result>(
        _ configuration: Configuration = Configuration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MockPaymentServer) async throws -> Result
    ) async throws -> Result {
        let server = try await Self.start(configuration)
        do {
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// Closes the listening socket and every open connection.
    public func shutdown() async throws {
        self.core.webhooks.removeAll()
        try await self.channel.close()
        for connection in self.connections.open {
            try? await connection.close()
        }
    }

    /// Every money movement so far.
    public var ledger: [LedgerEntry] {
        self.core.state.withLock { $0.ledger }
    }

    /// Task ids with more than one charge or order, with their counts: empty when every task was
    /// charged at most once.
    public var duplicateCharges: [String: Int] {
        Dictionary(uniqueKeysWithValues: duplicateChargeCounts(in: self.ledger).map { ($0.taskID, $0.count) })
    }

    /// The ACP checkout sessions the merchant created, by task id (`metadata.task_id`, "" when
    /// none): how a test proves a retry never opened a second session.
    public var checkoutSessionsByTask: [String: [String]] {
        self.core.state.withLock { state in
            Dictionary(grouping: state.sessions.values, by: { $0.taskID ?? "" }).mapValues { $0.map(\.id).sorted() }
        }
    }

    /// Every request received, in order (admin requests excepted).
    public var journal: [JournalEntry] {
        self.core.state.withLock { $0.journal }
    }

    /// Idempotency keys claimed by requests still being processed (held by a `latency` fault, say):
    /// lets a test wait until a first request is surely in flight.
    public var keysInFlight: Int {
        self.core.state.withLock { $0.idempotency.inFlightCount }
    }

    /// Adds fault rules after those already in force.
    public func addFaults(_ rules: [FaultRule]) {
        self.core.faults.add(rules)
    }

    /// Removes every fault rule.
    public func clearFaults() {
        self.core.faults.clear()
    }

    /// Forgets every MCP session `/mcp` has opened, as a restarted server would: the next request
    /// in one is answered 404 and its client has to initialize again.
    public func forgetMCPSessions() {
        self.core.state.withLock { $0.mcpSessions = MCPSessions() }
    }

    /// Clears state, rules, journal and ledger.
    public func reset() {
        self.core.reset()
    }
}
