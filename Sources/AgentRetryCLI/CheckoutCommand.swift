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

    @Option(help: "The merchant's base URL (ACP) or the PSP's (Stripe).") var server: String
    @Option(name: .customLong("api-key"), help: "The Bearer API key (else AGENT_RETRY_API_KEY).") var apiKey: String?
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .customLong("task-id"), help: "The agent task's id.") var taskID: String
    @Option(help: "The cart file (see Documentation/CLI.md), or - for standard input.") var cart: String
    @Option(
        name: .customLong("protocol"),
        help: "acp (REST), acp-mcp (ACP's MCP binding; --server is the MCP endpoint) or stripe."
    ) var paymentProtocol = "acp"
    @Option(
        name: .customLong("payment-token"),
        help: "The credential (ACP token, Stripe PaymentMethod); else the cart's payment_token."
    ) var paymentToken: String?
    @Option(help: "The namespace (tenant or agent).") var namespace = "default"
    @Option(
        name: .customLong("max-generations"),
        help: "Sessions one task may open, each canceled or expired one counting."
    ) var maxGenerations = 3
    @Option(
        name: .customLong("settle-seconds"),
        help: "How long to poll an in-flight complete before answering pending."
    ) var settleSeconds: Double = 30
    @Option(
        name: .customLong("acp-version"),
        help: "Speak this ACP version (YYYY-MM-DD) instead of negotiating one; for merchants that say nothing useful."
    ) var acpVersion: String?

    func validate() throws {
        guard ["acp", "acp-mcp", "stripe"].contains(self.paymentProtocol) else {
            throw ValidationError("--protocol must be acp, acp-mcp or stripe")
        }
        guard (1...100).contains(self.maxGenerations) else {
            throw ValidationError("--max-generations must be between 1 and 100")
        }
        guard self.settleSeconds >= 0, self.settleSeconds <= 3600 else {
            throw ValidationError("--settle-seconds must be between 0 and 3600")
        }
        if let version = self.acpVersion, ACPVersion(validating: version) == nil {
            throw ValidationError(
                "--acp-version must be a date such as \(ACPVersion.latest); released: "
                    + ACPVersion.released.map(\.rawValue).joined(separator: ", ")
            )
        }
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
            guard let apiKey = self.apiKey ?? ProcessInfo.processInfo.environment["AGENT_RETRY_API_KEY"],
                !apiKey.isEmpty
            else {
                throw ValidationError("give --api-key or AGENT_RETRY_API_KEY")
            }
            let transport = self.storeOptions.makeTransport()
            defer { Task { await transport.shutdown() } }
            var configuration = CheckoutTask.Configuration(
                namespace: self.namespace,
                maximumGenerations: self.maxGenerations,
                settleDeadline: .milliseconds(Int64(self.settleSeconds * 1000))
            )
            configuration.onEvent = CommandHooks.current.checkoutEvents
            configuration.acpVersion = self.acpVersion.flatMap(ACPVersion.init(validating:))
            let merchant: CheckoutTask.Merchant =
                switch self.paymentProtocol {
                case "stripe": .stripe(baseURL: self.server, apiKey: apiKey)
                case "acp-mcp": .acpMCP(ACPClient.Configuration(baseURL: self.server, apiKey: apiKey))
                default: .acp(ACPClient.Configuration(baseURL: self.server, apiKey: apiKey))
                }
            return try await self.storeOptions.withClient(transport: transport) { client in
                let task = CheckoutTask(client: client, merchant: merchant, configuration: configuration)
                return CheckoutReport(outcome: try await task.run(taskID: self.taskID, cart: cart, paymentToken: token))
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
        guard data.count <= 1 << 20 else { throw ValidationError("the cart is over 1 MiB") }
        do {
            let cart = try CheckoutCart(parsing: [UInt8](data))
            try cart.validate()
            return cart
        } catch {
            throw ValidationError("the cart is not usable: \(error)")
        }
    }
}
