// A shopping agent that checks a cart out over ACP with AgentRetry, printing each step.
//
//   swift run shopping-agent                          # against a mock merchant started in-process
//   swift run shopping-agent http://127.0.0.1:4242    # against a merchant (or mock-payment-server)
//
// Run it twice with the same task id: the second run finds the task in the store and prints the
// same order without sending anything. Kill it at any moment and run it again: it resumes.

import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer

@main
struct ShoppingAgent {
    static func main() async throws {
        // 1. The merchant. Without a URL, a mock ACP merchant runs in this process.
        var mock: MockPaymentServer?
        let merchantURL: String
        if CommandLine.arguments.count > 1 {
            merchantURL = CommandLine.arguments[1]
        } else {
            mock = try await MockPaymentServer.start()
            merchantURL = mock!.baseURL
        }
        let taskID =
            CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "shopping-agent-\(UUID().uuidString.prefix(8))"

        // 2. The store: where keys and outcomes live across crashes. Every invocation of a task
        //    must use the same file; the namespace secret is kept in it.
        let store = try SQLiteIdempotencyStore(
            path: FileManager.default.temporaryDirectory.appendingPathComponent("shopping-agent.sqlite").path
        )
        let transport = HTTPTransport()
        let client = IdempotentClient(
            transport: transport,
            store: store,
            secret: try await IdempotentClient.storedSecret(in: store)
        )

        // 3. The task: who buys what. The task id is the identity of the purchase.
        var configuration = CheckoutTask.Configuration()
        configuration.onEvent = { event in print("  step:", event) }
        let task = CheckoutTask(
            client: client,
            merchant: .acp(.init(baseURL: merchantURL, apiKey: "sk_test_shopping_agent")),
            configuration: configuration
        )
        var cart = CheckoutCart(
            currency: "usd",
            lines: [.init(id: "item_tshirt", quantity: 2), .init(id: "item_mug")],
            fulfillmentOptionID: "ship_express"
        )
        cart.members["buyer"] = ["email": "ada@example.com", "first_name": "Ada"]
        cart.members["fulfillment_details"] = [
            "name": "Ada Lovelace",
            "address": [
                "name": "Ada Lovelace", "line_one": "12 Analytical Row", "city": "San Francisco", "state": "CA",
                "country": "US", "postal_code": "94131",
            ],
        ]

        // 4. Run it. Every outcome is a decision for the agent, not an exception.
        print("task \(taskID) at \(merchantURL)")
        let exitCode: Int32
        do {
            let outcome = try await task.run(taskID: taskID, cart: cart, paymentToken: "spt_test_success")
            print(
                "status: \(outcome.status), order: \(outcome.orderID ?? "-"), "
                    + "session: \(outcome.checkoutSessionID ?? "-"), "
                    + "generation: \(outcome.generation), from store: \(outcome.fromStore)"
            )
            switch outcome.status {
            case .completed: exitCode = 0
            case .pending: exitCode = 20  // unknown for now: run the same task again later
            case .needsInput: exitCode = 11  // ask the buyer: outcome.messages say what
            default: exitCode = 10  // declined, canceled, expired
            }
            for message in outcome.messages { print("  merchant says:", message.content) }
        } catch {
            print("error: \(error)")  // conflict, reconciliation, lease held elsewhere, store
            exitCode = 1
        }
        await transport.shutdown()
        try await mock?.shutdown()
        exit(exitCode)
    }
}
