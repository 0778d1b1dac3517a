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

    mutating func run() async throws {
        var configuration = MockPaymentServer.Configuration(host: self.host, port: self.port, seed: self.seed)
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
