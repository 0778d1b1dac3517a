import AgentRetry
import AgentRetryACP
import ArgumentParser
import Foundation
import Logging
import MCP

/// `agent-retry mcp`: an MCP server over stdio (or Streamable HTTP on loopback with `--http`)
/// whose tools a model can call safely. Each paying tool is keyed on the task id it is given
/// (never on the tool-call id), its keys are persisted before anything is sent, and the same call
/// again resumes the task instead of paying twice.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve checkout, checkout_status, pay and refund as MCP tools (stdio or loopback HTTP), "
            + "exactly once per task id.",
        discussion: "Speaks MCP (JSON-RPC lines) on standard input and output, as MCP hosts spawn servers; logs go "
            + "to standard error. The API key comes from AGENT_RETRY_API_KEY only and is never shown. "
            + "With --http PORT it serves Streamable HTTP at http://127.0.0.1:PORT/mcp instead (loopback only, "
            + "sessions by Mcp-Session-Id, all sharing one store and one spending tally), prints "
            + "{\"host\":...,\"port\":...,\"url\":...} as one line on standard output once listening, and on "
            + "SIGTERM or SIGINT lets the calls in flight finish before it exits 0. "
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
    @Option(
        name: .customLong("http"),
        help: ArgumentHelp(
            "Serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio; 0 picks a free port.",
            valueName: "port"
        )
    ) var httpPort: Int?
    @Option(
        name: .customLong("http-host"),
        help: ArgumentHelp(
            "The loopback address --http binds: 127.0.0.1 (default), another 127.x.y.z, or ::1. No other host.",
            valueName: "address"
        )
    ) var httpHost: String?
    @Option(
        name: .customLong("http-idle-timeout"),
        help: ArgumentHelp(
            "With --http: close a connection with no request in progress after this many seconds of silence "
                + "(default 60).",
            valueName: "seconds"
        )
    ) var httpIdleTimeout: Int?
    @Option(
        name: .customLong("http-max-connections"),
        help: ArgumentHelp(
            "With --http: the most connections open at once; one more is closed unread (default 256).",
            valueName: "count"
        )
    ) var httpMaxConnections: Int?

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
        try self.validateHTTP()
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
        let http = self.httpConfiguration
        try await self.storeOptions.withClient(transport: transport) { client in
            let routes = MCPProgressRoutes()
            let service = MCPCheckoutService(client: client, settings: settings) { token, progress, message in
                await routes.notify(token, progress: progress, message: message)
            }
            let tools = MCPToolCatalog.tools(settings.tools)
            let makeServer: MCPHTTPSessions.MakeServer = {
                await MCPSessionServer.make(tools: tools, service: service, routes: routes)
            }
            let serving = "\(settings.tools.joined(separator: ",")) for \(settings.merchant)"
            if let http {
                try await Self.serveHTTP(http, service: service, makeServer: makeServer, serving: serving)
            } else {
                try await Self.serveStdio(service: service, makeServer: makeServer, serving: serving)
            }
        }
    }

    /// Serves MCP on standard input and output until the host closes standard input, then lets
    /// the runs in flight finish.
    static func serveStdio(
        service: MCPCheckoutService,
        makeServer: MCPHTTPSessions.MakeServer,
        serving: String
    ) async throws {
        let server = await makeServer()
        var logger = Logger(label: "agent-retry.mcp") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        CommandOutput.takeOver()
        try await server.start(transport: StdioTransport(logger: logger))
        MCPLog.write("serving \(serving) on stdio")
        await server.waitUntilCompleted()
        await service.drain()
    }
}
