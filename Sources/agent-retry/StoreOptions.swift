import AgentRetry
import ArgumentParser
import Foundation

/// The options every command that keys requests shares: the store and the namespace secret.
struct StoreOptions: ParsableArguments {
    @Option(help: "The SQLite store file, shared by every invocation of the task.") var store: String
    @Option(name: .customLong("secret-file"), help: "A file holding the namespace secret (else AGENT_RETRY_SECRET, else the store's).") var secretFile: String?
    @Option(name: .customLong("lease-seconds"), help: "How long this invocation's lease holds if it dies.") var leaseSeconds: Double = 30
    @Option(name: .customLong("max-attempts"), help: "Attempts per request in all, the first included.") var maxAttempts = 4
    @Option(help: "Each request's time budget in seconds, retries included.") var deadline: Double = 60

    func validate() throws {
        guard (1...100).contains(self.maxAttempts) else { throw ValidationError("--max-attempts must be between 1 and 100") }
        guard self.deadline > 0, self.deadline <= 86_400 else { throw ValidationError("--deadline must be between 0 and 86400 seconds") }
        guard self.leaseSeconds >= 1, self.leaseSeconds <= 3600 else { throw ValidationError("--lease-seconds must be between 1 and 3600") }
    }

    /// Opens the store and makes the idempotent client (with the crash-test hook when asked for).
    func makeClient(transport: HTTPTransport) async throws -> IdempotentClient {
        let store = try SQLiteIdempotencyStore(path: self.store)
        let secret = try await self.secret(store: store)
        let policy = try RetryPolicy(maximumAttempts: self.maxAttempts, deadline: .milliseconds(Int64(self.deadline * 1000)))
        var configuration = IdempotentClient.Configuration(policy: policy, leaseDuration: .milliseconds(Int64(self.leaseSeconds * 1000)))
        configuration.onEvent = TestPause.hook()
        return IdempotentClient(transport: transport, store: store, secret: secret, configuration: configuration)
    }

    private func secret(store: SQLiteIdempotencyStore) async throws -> IdempotencyKeyDeriver.Secret {
        if let path = self.secretFile {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the secret file") }
            guard let secret = try? IdempotencyKeyDeriver.Secret(bytes: [UInt8](data)) else {
                throw ValidationError("the secret file must hold at least 16 bytes")
            }
            return secret
        }
        if let text = ProcessInfo.processInfo.environment["AGENT_RETRY_SECRET"], !text.isEmpty {
            guard let secret = try? IdempotencyKeyDeriver.Secret(bytes: Array(text.utf8)) else {
                throw ValidationError("AGENT_RETRY_SECRET must hold at least 16 bytes")
            }
            return secret
        }
        return try await IdempotentClient.storedSecret(in: store)
    }
}
