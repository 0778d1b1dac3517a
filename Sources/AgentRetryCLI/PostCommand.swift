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
            + "re-running the same command after any crash reuses it. Prints one JSON object: status, http_status, "
            + "idempotency_key, attempts, replayed, from_store, body.\n\n"
            + "Exit codes: 0 succeeded, 10 failed, 20 pending, 30 conflict, 40 needs reconciliation, "
            + "50 in progress elsewhere, 2 usage, 1 internal."
    )

    @Argument(help: "The URL to POST to.") var url: String
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .customLong("task-id"), help: "The agent task's id: the identity of the intent.") var taskID: String
    @Option(help: "The operation name in the intent.") var operation = "http.post"
    @Option(help: "The namespace (tenant or agent).") var namespace = "default"
    @Option(help: "The PSP profile: stripe, acp, paypal or adyen.") var profile = "stripe"
    @Option(name: .customLong("header"), help: "A header, 'Name: value'; repeatable.") var headers: [String] = []
    @Option(name: .customLong("form"), help: "A form field, k=v; repeatable.") var formFields: [String] = []
    @Option(help: "A JSON body, or @FILE.") var json: String?

    func validate() throws {
        guard PSPProfile.builtIn[self.profile] != nil else { throw ValidationError("unknown profile \(self.profile)") }
        if self.json != nil && !self.formFields.isEmpty { throw ValidationError("give --form or --json, not both") }
        for header in self.headers where !header.contains(":") {
            throw ValidationError("a header must read 'Name: value'")
        }
    }

    func run() async throws {
        let outcome = await self.perform()
        FileHandle.standardOutput.write(Data(outcome.json.serialized() + [UInt8(ascii: "\n")]))
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    private func perform() async -> PostOutcome {
        do {
            let transport = self.storeOptions.makeTransport()
            defer { Task { await transport.shutdown() } }
            let intent = IdempotencyIntent(
                namespace: self.namespace,
                operation: self.operation,
                inputs: ["task_id": .string(self.taskID)]
            )
            let request = try self.request()
            let profile = PSPProfile.builtIn[self.profile]!
            return try await self.storeOptions.withClient(transport: transport) { client in
                PostOutcome(result: try await client.send(request, intent: intent, profile: profile))
            }
        } catch let error as IdempotentCallError {
            return PostOutcome(error: error)
        } catch let error as ValidationError {
            return PostOutcome(usage: error.message)
        } catch {
            return PostOutcome(internal: "\(error)")
        }
    }

    private func request() throws -> HTTPRequest {
        var request = HTTPRequest(method: .post, url: self.url)
        for header in self.headers {
            let parts = header.split(separator: ":", maxSplits: 1)
            request.headers.add(
                name: String(parts[0]).trimmingCharacters(in: .whitespaces),
                value: parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            )
        }
        if let json = self.json {
            let text: String
            if json.hasPrefix("@") {
                guard let data = FileManager.default.contents(atPath: String(json.dropFirst())) else {
                    throw ValidationError("cannot read \(json)")
                }
                text = String(decoding: data, as: UTF8.self)
            } else {
                text = json
            }
            guard (try? JSONValue(parsing: Array(text.utf8))) != nil else {
                throw ValidationError("--json is not valid JSON")
            }
            request.body = Array(text.utf8)
            if !request.headers.contains(name: "Content-Type") {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
        } else {
            let encoded = self.formFields.map { field -> String in
                let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return Self.formEncode(String(parts[0])) + "="
                    + Self.formEncode(parts.count > 1 ? String(parts[1]) : "")
            }
            request.body = Array(encoded.joined(separator: "&").utf8)
        }
        return request
    }

    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~[]")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
