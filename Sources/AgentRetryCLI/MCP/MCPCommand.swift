import AgentRetry
import AgentRetryACP
import ArgumentParser
import Foundation
import Logging
import MCP

/// `agent-retry mcp`: an MCP server over stdio whose tools a model can call safely. Each paying
/// tool is keyed on the task id it is given (never on the tool-call id), its keys are persisted
/// before anything is sent, and the same call again resumes the task instead of paying twice.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve checkout, checkout_status, pay and refund as MCP tools over stdio, exactly once per task id.",
        discussion: "Speaks MCP (JSON-RPC lines) on standard input and output, as MCP hosts spawn servers; logs go "
            + "to standard error. The API key comes from AGENT_RETRY_API_KEY only and is never shown. "
            + "See Documentation/CLI.md for the tools and their schemas."
    )

    @OptionGroup var taskOptions: CheckoutTaskOptions
    @OptionGroup var storeOptions: StoreOptions
    @Option(
        help: ArgumentHelp("The tools to offer, comma-separated: \(MCPToolCatalog.names.joined(separator: ",")).")
    ) var tools = MCPToolCatalog.names.joined(separator: ",")
    @Option(
        name: .customLong("pay-server"),
        help: "The Stripe-compatible PSP the pay and refund tools go through (default: --server)."
    ) var payServer: String?
    @Option(
        name: .customLong("max-amount-per-task"),
        help: "Refuse a paying call whose amount (minor units) is over this, before sending (not refunds)."
    ) var maxAmountPerTask: Int?
    @Option(
        name: .customLong("max-amount-per-run"),
        help: "Refuse a paying call that would bring this process's total (minor units) over this, before sending."
    ) var maxAmountPerRun: Int?

    /// The tools `--tools` names.
    var toolNames: [String] {
        self.tools.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        if let payServer = self.payServer { try CheckoutMerchant.validate(url: payServer, option: "--pay-server") }
        let names = self.toolNames
        guard !names.isEmpty else { throw ValidationError("--tools must name at least one tool") }
        for name in names where !MCPToolCatalog.names.contains(name) {
            throw ValidationError(
                "--tools: unknown tool \(name); the tools are \(MCPToolCatalog.names.joined(separator: ", "))"
            )
        }
        for (flag, limit) in [
            ("--max-amount-per-task", self.maxAmountPerTask), ("--max-amount-per-run", self.maxAmountPerRun),
        ]
        where (limit ?? 1) < 1 {
            throw ValidationError("\(flag) must be at least 1")
        }
    }

    func run() async throws {
        guard let apiKey = CheckoutMerchant.environmentAPIKey() else {
            throw ValidationError("set AGENT_RETRY_API_KEY (the mcp command takes the API key from it only)")
        }
        let transport = self.storeOptions.makeTransport()
        defer { Task { await transport.shutdown() } }
        let settings = MCPCheckoutService.Settings(
            tools: self.toolNames,
            merchant: self.taskOptions.merchant(apiKey: apiKey),
            paymentMerchant: .stripe(baseURL: self.payServer ?? self.taskOptions.server, apiKey: apiKey),
            configuration: self.taskOptions.configuration(),
            limits: MCPSpendingLimits(perTask: self.maxAmountPerTask, perRun: self.maxAmountPerRun)
        )
        try await self.storeOptions.withClient(transport: transport) { client in
            try await Self.serve(client: client, settings: settings)
        }
    }

    /// Serves MCP on standard input and output until the host closes standard input, then lets
    /// the runs in flight finish.
    static func serve(client: IdempotentClient, settings: MCPCheckoutService.Settings) async throws {
        let server = Server(
            name: "agent-retry",
            version: "1.0.0",
            instructions: "Payment tools that are safe to retry: " + MCPToolCatalog.retryRule,
            capabilities: .init(tools: .init(listChanged: false))
        )
        let service = MCPCheckoutService(client: client, settings: settings) { token, progress, message in
            try? await server.notify(
                ProgressNotification.message(.init(progressToken: token, progress: progress, message: message))
            )
        }
        let tools = MCPToolCatalog.tools(settings.tools)
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await service.call(
                parameters.name,
                parameters.arguments,
                progressToken: parameters._meta?.progressToken
            )
        }
        var logger = Logger(label: "agent-retry.mcp") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        CommandOutput.takeOver()
        try await server.start(transport: StdioTransport(logger: logger))
        MCPLog.write("serving \(settings.tools.joined(separator: ",")) for \(settings.merchant) on stdio")
        await server.waitUntilCompleted()
        await service.drain()
    }
}
