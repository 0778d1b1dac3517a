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

    @Option(help: "The port, 1 to 65535; 0 picks a free one (the first line printed names it).")
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

    @Option(help: "Close a connection idle this many seconds between requests; 0 never does.")
    var idleTimeout: Double = 60

    @Option(help: "Serve at most this many connections at once; one more is answered 503 and closed.")
    var maxConnections = 1024

    @Option(
        help: ArgumentHelp(
            "Require this token in X-Admin-Token on every /__admin request (better: the environment variable "
                + "\(Self.adminTokenVariable), which other users cannot read in the process list).",
            valueName: "token"
        )
    )
    var adminToken: String?

    @Option(
        name: .customLong("allowed-host"),
        help: "Also answer requests addressed to this host name, with any port (repeatable; for a container or proxy)."
    )
    var allowedHosts: [String] = []

    mutating func validate() throws {
        _ = try self.configuration()
    }

    mutating func run() async throws {
        var configuration = try self.configuration()
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
