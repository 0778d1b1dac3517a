import AgentRetry
import AgentRetryACP
import AgentRetryPostgres
import ArgumentParser
import Foundation

/// `agent-retry reconcile`: settles unfinished records from what the PSP knows, and finds (and
/// optionally refunds) tasks charged more than once.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Settle unknown outcomes from the PSP, and find (and refund) duplicate charges.",
        discussion: "For every unfinished record (pending, in flight, prepared) of a Stripe checkout, looks its "
            + "PaymentIntent up by metadata[task_id] and settles the record under its lease (a record a live "
            + "process holds is skipped). Then lists every succeeded PaymentIntent (Search API) grouped by "
            + "metadata[task_id]: a task with more than one is a duplicate, the oldest kept. --refund-duplicates "
            + "refunds each extra charge once, under a key derived from the task and the charge only. ACP has "
            + "no listing: its records are reported, not settled. Prints one JSON object (or, with --format "
            + "table, a table): status, protocol, settled, unresolved, skipped, duplicates, refunded, notes.\n\n"
            + "Exit codes: 0 done, 2 usage, 1 internal (the PSP or the store failed; what was settled stays)."
    )

    @Option(help: "The PSP's base URL (Stripe) or the merchant's (ACP).") var server: String
    @Option(name: .customLong("protocol"), help: "stripe, acp or acp-mcp.") var paymentProtocol = "stripe"
    @Option(name: .customLong("api-key"), help: "The Bearer API key (else AGENT_RETRY_API_KEY).") var apiKey: String?
    @OptionGroup var storeOptions: StoreOptions
    @Flag(name: .customLong("refund-duplicates"), help: "Refund every extra charge, exactly once (Stripe).")
    var refundDuplicates = false
    @Option(help: "json (one object) or table.") var format = "json"

    func validate() throws {
        try CheckoutMerchant.validate(protocol: self.paymentProtocol)
        try CheckoutMerchant.validate(url: self.server, option: "--server")
        guard ["json", "table"].contains(self.format) else { throw ValidationError("--format must be json or table") }
        if self.refundDuplicates, self.paymentProtocol != "stripe" {
            throw ValidationError("--refund-duplicates needs --protocol stripe: ACP has no listing of orders")
        }
        let store = self.storeOptions.store
        if !PostgresIdempotencyStore.Configuration.isConnectionString(store),
            !FileManager.default.fileExists(atPath: store)
        {
            throw ValidationError("--store: no store file at that path")
        }
    }

    func run() async throws {
        guard let apiKey = self.apiKey ?? CheckoutMerchant.environmentAPIKey(), !apiKey.isEmpty else {
            throw ValidationError("give --api-key or AGENT_RETRY_API_KEY")
        }
        let transport = self.storeOptions.makeTransport()
        defer { Task { await transport.shutdown() } }
        let store = try await self.storeOptions.openStore()
        let report: ReconcileReport
        do {
            let client = try await self.storeOptions.makeClient(transport: transport, store: store)
            report = try await self.reconcile(client: client, store: store, apiKey: apiKey)
        } catch let error as ReconcileError {
            await (store as? PostgresIdempotencyStore)?.close()
            CommandOutput.report(ReconcileOutput.json(error))
            throw ExitCode(error.code == .invalidArgument ? 2 : 1)
        } catch {
            await (store as? PostgresIdempotencyStore)?.close()
            throw error
        }
        await (store as? PostgresIdempotencyStore)?.close()
        let output = ReconcileOutput(report: report, protocol: self.paymentProtocol)
        if self.format == "table" {
            FileHandle.standardOutput.write(Data(output.table.utf8))
        } else {
            CommandOutput.report(output.json)
        }
    }

    private func reconcile(
        client: IdempotentClient,
        store: any IdempotencyStore,
        apiKey: String
    ) async throws(ReconcileError) -> ReconcileReport {
        guard self.paymentProtocol == "stripe" else { return try await ACPReconciler(store: store).run() }
        var configuration = StripeReconciler.Configuration()
        configuration.refundDuplicates = self.refundDuplicates
        return try await StripeReconciler(
            client: client,
            store: store,
            baseURL: self.server,
            apiKey: apiKey,
            configuration: configuration
        ).run()
    }
}
