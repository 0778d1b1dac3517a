import AgentRetry
import AgentRetryACP
import Foundation
import MCP

/// The tools of `agent-retry mcp` over one idempotent client: checks each call, enforces the
/// spending limits, and runs each purchase as a task of its own that a caller's cancellation does
/// not stop. The same call made while its run is in flight (a concurrent or re-sent tools/call)
/// joins that run; made later, it resumes the task from the store.
actor MCPCheckoutService {
    /// What the server was started with.
    struct Settings: Sendable {
        /// The tools offered (`--tools`).
        var tools: [String]
        /// Where `checkout` buys.
        var merchant: CheckoutTask.Merchant
        /// Where `pay` pays (a Stripe-compatible PSP).
        var paymentMerchant: CheckoutTask.Merchant
        /// The task settings, the crash-test hook in `onEvent`.
        var configuration: CheckoutTask.Configuration
        var limits: MCPSpendingLimits
    }

    /// Sends a progress notification: the token, the progress so far and a message.
    typealias Notify = @Sendable (ProgressToken, Double, String) async -> Void

    struct Run {
        let task: Task<CheckoutReport, Never>
        var tokens: [ProgressToken] = []
        var progress = 0.0
    }

    let client: IdempotentClient
    let settings: Settings
    private let notify: Notify
    private var limits: MCPSpendingLimits
    /// The runs in flight, by the identity of their call.
    var runs: [String: Run] = [:]

    init(client: IdempotentClient, settings: Settings, notify: @escaping Notify) {
        self.client = client
        self.settings = settings
        self.notify = notify
        self.limits = settings.limits
    }

    /// Answers a `tools/call`; bad input is a tool error naming the field.
    /// - Throws: `MCPError.invalidParams` for a tool this server does not offer, and
    ///   `CancellationError` when the caller cancelled (the run goes on).
    func call(
        _ name: String,
        _ arguments: [String: Value]?,
        progressToken: ProgressToken?
    ) async throws
        -> CallTool.Result
    {
        guard self.settings.tools.contains(name) else { throw MCPError.invalidParams("Unknown tool: \(name)") }
        let arguments = MCPToolArguments(arguments)
        do {
            switch name {
            case MCPToolCatalog.checkout:
                return try await self.run(.checkout(arguments, merchant: self.settings.merchant), progressToken)
            case MCPToolCatalog.pay:
                return try await self.run(.pay(arguments, merchant: self.settings.paymentMerchant), progressToken)
            case MCPToolCatalog.refund:
                return try await self.refund(arguments, progressToken)
            default:
                return try await self.status(arguments)
            }
        } catch let error as MCPToolError {
            MCPLog.write("\(name) refused: \(error.code) \(error.field ?? "")")
            return MCPToolResult.make(error, taskID: arguments.values["task_id"]?.stringValue)
        }
    }

    /// Waits for every run in flight (the host went away: finish what was started).
    func drain() async {
        for run in self.runs.values { _ = await run.task.value }
    }

    private func run(_ purchase: MCPPurchase, _ token: ProgressToken?) async throws -> CallTool.Result {
        let key = purchase.key
        if self.runs[key] == nil {
            try self.limits.admit(taskID: purchase.taskID, amount: purchase.cart.amount, field: purchase.amountField)
            self.runs[key] = Run(task: Task { await self.perform(purchase, key: key) })
        }
        return try await self.join(key, tool: purchase.tool, taskID: purchase.taskID, token)
    }

    /// Waits for run `key`, in flight, as one more caller (with its progress token, if any).
    /// - Throws: `CancellationError` when the caller cancelled (the run goes on).
    func join(_ key: String, tool: String, taskID: String, _ token: ProgressToken?) async throws -> CallTool.Result {
        if let token { self.runs[key]?.tokens.append(token) }
        guard let task = self.runs[key]?.task, let report = await MCPWait.value(of: task) else {
            if let token { self.runs[key]?.tokens.removeAll { $0 == token } }
            MCPLog.write("\(tool) task \(taskID): the caller cancelled; the run goes on")
            throw CancellationError()
        }
        return MCPToolResult.make(report.json, isError: MCPToolResult.isError(exitCode: report.exitCode))
    }

    private func perform(_ purchase: MCPPurchase, key: String) async -> CheckoutReport {
        var configuration = self.settings.configuration
        let hook = configuration.onEvent
        configuration.onEvent = { event in
            await hook?(event)
            await self.progress(key, event)
        }
        let task = CheckoutTask(client: self.client, merchant: purchase.merchant, configuration: configuration)
        let report: CheckoutReport
        do {
            let outcome = try await task.run(taskID: purchase.taskID, cart: purchase.cart, paymentToken: purchase.token)
            report = CheckoutReport(outcome: outcome)
        } catch {
            report = CheckoutReport(error: error, taskID: purchase.taskID)
        }
        let status = report.json["status"]?.stringValue ?? "error"
        if MCPCheckoutService.nothingPaid.contains(status) { self.limits.release(taskID: purchase.taskID) }
        try? await self.client.writeNote(
            String(decoding: report.json.serialized(), as: UTF8.self),
            for: self.noteIntent(purchase.taskID)
        )
        self.runs[key] = nil
        MCPLog.write("\(purchase.tool) task \(purchase.taskID): \(status)")
        return report
    }

    /// The statuses after which nothing was paid and the same call answers the same: the task's
    /// reservation under the spending limits is released.
    static let nothingPaid: Set<String> = [
        "declined", "rejected", "unsupported_version", "canceled", "expired", "usage",
    ]

    func progress(_ key: String, _ event: CheckoutEvent) async {
        guard var run = self.runs[key] else { return }
        run.progress += 1
        self.runs[key] = run
        for token in run.tokens { await self.notify(token, run.progress, Self.describe(event)) }
    }

    static func describe(_ event: CheckoutEvent) -> String {
        switch event {
        case .generation(let generation, let resumed): "generation \(generation)\(resumed ? " resumed" : "")"
        case .anchored(let id, _, let resumed): "\(resumed ? "resumed" : "anchored on") \(id)"
        case .step(let step, let status): "\(step) answered \(status)"
        case .polling(let id): "waiting for \(id) to settle"
        }
    }

    /// The note that keeps the last outcome this server returned for a task.
    func noteIntent(_ taskID: String) -> IdempotencyIntent {
        IdempotencyIntent(
            namespace: self.settings.configuration.namespace,
            operation: "mcp.last_outcome",
            inputs: ["task_id": .string(taskID)]
        )
    }
}
