import AgentRetry
import ArgumentParser
import Foundation

/// `agent-retry post`: one idempotent POST, keyed by the task's intent, resumable after any crash.
///
/// Prints one JSON object; exit codes: 0 succeeded, 10 failed, 20 pending, 30 conflict,
/// 40 needs reconciliation, 50 in progress elsewhere, 2 usage, 1 internal.
struct PostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "post",
        abstract: "Send one idempotent POST for a task.",
        discussion: "The key is derived from the task's intent and persisted before the request is sent; "
            + "re-running the same command after any crash reuses it. The same task id sent to another URL, "
            + "with another API key or under another --profile is a conflict. Prints one JSON object: status, "
            + "http_status, idempotency_key, attempts, replayed, from_store, body, body_omitted.\n\n"
            + "Exit codes: 0 succeeded, 10 failed, 20 pending, 30 conflict, 40 needs reconciliation, "
            + "50 in progress elsewhere, 2 usage, 1 internal."
    )

    /// The default of `--max-body-bytes`: 1 MiB.
    static let defaultMaximumBodySize = 1 << 20

    @Argument(help: "The URL to POST to (http or https).") var url: String
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .customLong("task-id"), help: "The agent task's id: the identity of the intent.") var taskID: String
    @Option(help: "The operation name in the intent.") var operation = "http.post"
    @Option(help: "The namespace (tenant or agent).") var namespace = "default"
    @Option(help: "The PSP profile: stripe, acp, paypal or adyen.") var profile = "stripe"
    @Option(name: .customLong("header"), help: "A header, 'Name: value'; repeatable.") var headers: [String] = []
    @Option(name: .customLong("form"), help: "A form field, k=v; repeatable.") var formFields: [String] = []
    @Option(help: "A JSON body, or @FILE.") var json: String?
    @Option(
        name: .customLong("max-body-bytes"),
        help: "The largest request body accepted, in bytes (default 1 MiB); a larger one is a usage error."
    ) var maxBodyBytes = Self.defaultMaximumBodySize

    func validate() throws {
        try TaskIDOption.validate(self.taskID)
        guard PSPProfile.builtIn[self.profile] != nil else {
            throw ValidationError(
                "--profile must be one of \(PSPProfile.builtIn.keys.sorted().joined(separator: ", "))"
            )
        }
        if self.json != nil && !self.formFields.isEmpty { throw ValidationError("give --form or --json, not both") }
        guard (1...(1 << 30)).contains(self.maxBodyBytes) else {
            throw ValidationError("--max-body-bytes must be between 1 and \(1 << 30)")
        }
        do {
            try RequestTarget.validate(self.url)
        } catch {
            throw ValidationError("URL: \(error.message)")
        }
        for (position, header) in self.headers.enumerated() {
            _ = try Self.parseHeader(header, position: position + 1)
        }
    }

    func run() async throws {
        let outcome = await self.perform()
        CommandOutput.report(outcome.json)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    private func perform() async -> PostOutcome {
        do {
            let request = try self.request()
            let transport = self.storeOptions.makeTransport()
            defer { Task { await transport.shutdown() } }
            let intent = IdempotencyIntent(
                namespace: self.namespace,
                operation: self.operation,
                inputs: ["task_id": .string(self.taskID)]
            )
            let profile = PSPProfile.builtIn[self.profile]!
            return try await self.storeOptions.withClient(transport: transport) { client in
                PostOutcome(result: try await client.send(request, intent: intent, profile: profile))
            }
        } catch let error as IdempotentCallError {
            return PostOutcome(error: error, taskID: self.taskID)
        } catch let error as ValidationError {
            return PostOutcome(usage: error.message)
        } catch {
            return PostOutcome(internal: "\(error)")
        }
    }
}
