import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer

/// The cart the checkout tests buy from the mock merchant's catalog: two T-shirts and a mug, to
/// an address, with express shipping (so the task needs an update before it completes).
let testCart = CheckoutCart(
    currency: "usd",
    lines: [
        .init(id: "item_tshirt", quantity: 2, unitAmount: 2500), .init(id: "item_mug", quantity: 1, unitAmount: 1500),
    ],
    buyer: try! ACPBuyer(members: ["email": "ada@example.com", "first_name": "Ada"]),
    fulfillmentDetails: try! FulfillmentDetails(members: [
        "name": "Ada Lovelace",
        "address": [
            "name": "Ada Lovelace", "line_one": "12 Analytical Row", "city": "San Francisco", "state": "CA",
            "country": "US", "postal_code": "94131",
        ],
    ]),
    fulfillmentOptionID: "ship_express"
)

/// A checkout task runner on a new SQLite store, over `transport`, against the mock server.
func makeCheckoutTask(
    _ server: MockPaymentServer,
    _ transport: HTTPTransport,
    store path: String = CLIChild.storePath(),
    secret: String? = nil,
    stripe: Bool = false,
    mcp: Bool = false,
    configuration: CheckoutTask.Configuration = CheckoutTask.Configuration(
        settleDeadline: .seconds(10),
        pollInterval: .milliseconds(50)
    ),
    onEvent: (@Sendable (CheckoutEvent) async -> Void)? = nil,
    clientEvents: (@Sendable (ClientEvent) async -> Void)? = nil
) async throws -> CheckoutTask {
    let store = try SQLiteIdempotencyStore(path: path)
    let policy = try RetryPolicy(
        maximumAttempts: 5,
        initialBackoff: .milliseconds(20),
        maximumBackoff: .milliseconds(200),
        deadline: .seconds(20)
    )
    var clientConfiguration = IdempotentClient.Configuration(policy: policy)
    clientConfiguration.onEvent = clientEvents
    let keySecret =
        if let secret {
            try IdempotencyKeyDeriver.Secret(bytes: Array(secret.utf8))
        } else {
            try await IdempotentClient.storedSecret(in: store)
        }
    let client = IdempotentClient(
        transport: transport,
        store: store,
        secret: keySecret,
        configuration: clientConfiguration
    )
    var configuration = configuration
    configuration.onEvent = onEvent
    let merchant: CheckoutTask.Merchant =
        if stripe {
            .stripe(baseURL: server.baseURL, apiKey: testKey)
        } else if mcp {
            .acpMCP(ACPClient.Configuration(baseURL: server.baseURL + "/mcp", apiKey: testKey))
        } else {
            .acp(ACPClient.Configuration(baseURL: server.baseURL, apiKey: testKey))
        }
    return CheckoutTask(client: client, merchant: merchant, configuration: configuration)
}

extension MockPaymentServer {
    /// Checkout sessions the merchant created, for every task.
    var sessionsCreated: Int {
        self.checkoutSessionsByTask.values.reduce(0) { $0 + $1.count }
    }

    /// Distinct idempotency keys of create calls: one per task generation.
    var createKeys: Set<String> {
        Set(self.journal.filter { $0.method == "POST" && $0.path == "/checkout_sessions" }.compactMap(\.idempotencyKey))
    }

    /// Requests to paths ending in `suffix`.
    func requests(_ method: String, endingIn suffix: String) -> [JournalEntry] {
        self.journal.filter { $0.method == method && $0.path.hasSuffix(suffix) }
    }

    /// ACP orders in the ledger.
    var orders: [LedgerEntry] { self.ledger.filter { $0.kind == "order" } }
}
