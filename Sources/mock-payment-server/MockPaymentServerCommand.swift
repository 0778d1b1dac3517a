import AgentRetry
import ArgumentParser
import Foundation
import MockPaymentServer

/// `mock-payment-server`: the fault-injecting mock payment server as a process.
@main
struct MockPaymentServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-payment-server",
        abstract: "A Stripe- and ACP-compatible payment server with real idempotency, fault injection and a ledger."
    )

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port; 0 picks a free one.")
    var port = 4242

    @Option(help: "Seeds every random fault decision.")
    var seed: UInt64 = 0

    @Option(help: "A JSON file of fault rules (one rule or an array) in force from the start.")
    var faults: String?

    @Option(
        name: .customLong("acp-versions"),
        help: "The ACP versions spoken, comma-separated (default: all released: 2025-09-29,...,2026-04-17)."
    )
    var acpVersions: String?

    @Option(help: "How the ACP merchant departs from the spec: spec (default), fastapi or plain.")
    var merchantProfile: MerchantProfile = .spec

    @Flag(
        inversion: .prefixedNo,
        help: "Serve /.well-known/acp.json (default: on for the spec profile, off for fastapi and plain)."
    )
    var discovery: Bool?

    @Option(help: "How /mcp answers a tool's success: tool_result (default) or bare.")
    var mcpResults: MCPBindingBehaviour.Results = .toolResult

    @Option(help: "How /mcp answers an ACP error: json_rpc (default, a -32000 error) or tool_error (isError).")
    var mcpErrors: MCPBindingBehaviour.Errors = .jsonRPC

    @Option(help: "How /mcp encodes its answers: json (default) or event_stream.")
    var mcpEncoding: MCPBindingBehaviour.Encoding = .json

    @Flag(help: "Let /mcp process writes without meta.idempotency_key (without idempotency).")
    var mcpOptionalIdempotencyKey = false

    mutating func validate() throws {
        if let list = self.acpVersions {
            do {
                try MockPaymentServer.validateACPVersions(Self.versionNames(list))
            } catch {
                throw ValidationError("--acp-versions: \(error.description)")
            }
        }
    }

    private static func versionNames(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    mutating func run() async throws {
        var configuration = MockPaymentServer.Configuration(
            host: self.host,
            port: self.port,
            seed: self.seed,
            merchantProfile: self.merchantProfile,
            servesDiscovery: self.discovery,
            mcpBinding: MCPBindingBehaviour(
                results: self.mcpResults,
                errors: self.mcpErrors,
                encoding: self.mcpEncoding,
                requiresIdempotencyKey: !self.mcpOptionalIdempotencyKey
            )
        )
        if let list = self.acpVersions { configuration.acpVersions = Self.versionNames(list) }
        if let path = self.faults {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the faults file \(path)")
            }
            do {
                configuration.faults = try FaultRule.rules(json: try JSONValue(parsing: [UInt8](data)))
            } catch {
                throw ValidationError("\(path): \(error)")
            }
        }
        let server = try await MockPaymentServer.start(configuration)
        // Written straight to the file descriptor, unbuffered: a parent process waits for this line.
        FileHandle.standardOutput.write(Data("listening on \(server.baseURL)\n".utf8))
        await ShutdownSignal.wait()
        try await server.shutdown()
    }
}
