import AgentRetry
import AgentRetryACP
import ArgumentParser
import Foundation

/// `agent-retry checkout`: one agent task's checkout, anchored on its session, resumable after any
/// crash. Re-running the same command continues the task; it never opens a second session while
/// the first is valid.
struct CheckoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout",
        abstract: "Check a cart out for a task, exactly once (ACP or Stripe).",
        discussion:
            "Prints one JSON object: task_id, status, order_id or payment_intent_id, checkout_session_id, generation, "
            + "idempotency_keys, attempts, replayed, from_store, reason, messages.\n\n"
            + "Exit codes: 0 completed, 10 declined/canceled/expired, 11 needs input, 12 rejected, "
            + "13 unsupported version, 20 pending, 30 conflict, 40 needs reconciliation, 50 in progress elsewhere, "
            + "2 usage, 1 internal."
    )

    @OptionGroup var taskOptions: CheckoutTaskOptions
    @Option(name: .customLong("api-key"), help: "The Bearer API key (else AGENT_RETRY_API_KEY).") var apiKey: String?
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .customLong("task-id"), help: "The agent task's id.") var taskID: String
    @Option(help: "The cart file (see Documentation/CLI.md), or - for standard input.") var cart: String
    @Option(
        name: .customLong("payment-token"),
        help: "The credential (ACP token, Stripe PaymentMethod); else the cart's payment_token."
    ) var paymentToken: String?

    func validate() throws {
        try TaskIDOption.validate(self.taskID)
    }

    func run() async throws {
        let report = await self.perform()
        FileHandle.standardOutput.write(Data(report.json.serialized() + [UInt8(ascii: "\n")]))
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    private func perform() async -> CheckoutReport {
        do {
            let cart = try self.parseCart(await self.readCart())
            guard let token = self.paymentToken ?? cart.paymentToken, !token.isEmpty else {
                throw ValidationError("give --payment-token or a payment_token in the cart")
            }
            guard let apiKey = self.apiKey ?? CheckoutMerchant.environmentAPIKey(), !apiKey.isEmpty else {
                throw ValidationError("give --api-key or AGENT_RETRY_API_KEY")
            }
            let transport = self.storeOptions.makeTransport()
            defer { Task { await transport.shutdown() } }
            let configuration = self.taskOptions.configuration()
            let merchant = self.taskOptions.merchant(apiKey: apiKey)
            return try await self.storeOptions.withClient(transport: transport) { client in
                let task = CheckoutTask(client: client, merchant: merchant, configuration: configuration)
                let outcome = try await task.run(taskID: self.taskID, cart: cart, paymentToken: token)
                return await CheckoutReport(outcome: outcome).addingOrderState(of: outcome, from: client.store)
            }
        } catch let error as CheckoutTaskError {
            return CheckoutReport(error: error, taskID: self.taskID)
        } catch let error as ValidationError {
            return CheckoutReport(usage: error.message, taskID: self.taskID)
        } catch {
            return CheckoutReport(internal: "\(error)", taskID: self.taskID)
        }
    }

    /// The cart's bytes, read on a thread of their own (standard input may block for long), at
    /// most 1 MiB and one byte; `nil` when the file cannot be read.
    private func readCart() async -> Data? {
        let path = self.cart
        return await withCheckedContinuation { continuation in
            Thread {
                guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
                    continuation.resume(returning: nil)
                    return
                }
                defer { if path != "-" { try? handle.close() } }
                do {
                    continuation.resume(returning: try handle.read(upToCount: (1 << 20) + 1) ?? Data())
                } catch {
                    continuation.resume(returning: nil)
                }
            }.start()
        }
    }

    private func parseCart(_ read: Data?) throws -> CheckoutCart {
        guard let data = read else { throw ValidationError("cannot read the cart file \(self.cart)") }
        return try CheckoutCartInput.parse(data)
    }
}
