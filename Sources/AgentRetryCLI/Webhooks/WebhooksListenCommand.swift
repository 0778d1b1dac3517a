import AgentRetry
import AgentRetryPostgres
import AgentRetryWebhooks
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `agent-retry webhooks listen`: a small HTTP receiver that verifies each webhook, records it in
/// the store's inbox, answers 200 only once it is committed, and hands each new event to one
/// consumer: `--exec CMD` (the event as JSON on standard input) or a JSON line on standard output.
struct WebhooksListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Receive signed webhooks into the store's inbox and deliver each event once to a consumer.",
        discussion: """
            Listens on a loopback address. Every POST is verified (--scheme, --secret-file: one secret per \
            line, several during a rotation); a refused one is answered 401 invalid_signature. A verified \
            event is recorded once in the store (its dedup key: the event id, or for ACP a digest of the \
            body with the order and status) and only then answered 200; a store that fails is answered 503, \
            so the sender delivers again. Each new event goes to the consumer: with --exec, CMD runs under \
            /bin/sh with the event as one JSON object on standard input (a failing or timed-out CMD is \
            retried later with backoff, never lost); without it, one JSON line per event on standard \
            output. Delivery is at least once: an event whose earlier attempt may have acted comes again \
            with a higher "attempt", and consumers dedupe by "dedup_key". CMD runs in a process group of \
            its own (a timeout kills all of it) without PGPASSWORD and AgentRetry's secrets. The first \
            line on standard output is {"status":"listening","url":...,"port":...}. SIGTERM or SIGINT \
            stops it cleanly.\n\n\
            Exit codes: 0 stopped by a signal, 2 usage, 1 internal (cannot listen, the store cannot be \
            opened).
            """
    )

    @Option(help: "The store: a SQLite file, or postgres://USER@HOST:PORT/DB (password in PGPASSWORD).")
    var store: String
    @Option(help: "Whose signatures to verify: acp, stripe or standard (Standard Webhooks).")
    var scheme: WebhookSchemeOption
    @Option(name: .customLong("secret-file"), help: "A file of webhook secrets, one per line.")
    var secretFile: String
    @Option(help: "The port to listen on; 0 picks a free one.") var port = 0
    @Option(help: "The loopback address to bind (127.0.0.0/8 or ::1).") var host = "127.0.0.1"
    @Option(help: "Seconds a signed timestamp may be off from now, either way.") var tolerance = 300
    @Option(name: .customLong("max-body-bytes"), help: "The largest body accepted (413 above).")
    var maxBodyBytes = 1 << 20
    @Option(
        name: .customLong("request-timeout"),
        help: "Seconds a connection may send nothing mid-request (or idle) before it is closed."
    ) var requestTimeout = 10
    @Option(name: .customLong("max-connections"), help: "The most connections open at once.")
    var maxConnections = 64
    @Option(help: "A shell command each new event is given to, as JSON on standard input.") var exec: String?
    @Option(name: .customLong("exec-timeout"), help: "Seconds a CMD may run before it is killed and retried.")
    var execTimeout = 60
    @Option(help: "The consumer's name: each consumer gets each event once (default exec or stdout).")
    var consumer: String?
    @Option(name: .customLong("retry-initial"), help: "Seconds before a failed delivery's first retry.")
    var retryInitial = 1.0
    @Option(name: .customLong("retry-max"), help: "The longest wait between retries, in seconds.")
    var retryMax = 60.0

    func validate() throws {
        guard (0...65_535).contains(self.port) else { throw ValidationError("--port: a port from 0 to 65535") }
        guard LoopbackHTTPServer.isLoopback(self.host) else {
            throw ValidationError("--host: \(self.host) is not a loopback address (127.0.0.0/8 or ::1)")
        }
        guard (0...86_400).contains(self.tolerance) else { throw ValidationError("--tolerance: 0 to 86400") }
        guard (1...(64 << 20)).contains(self.maxBodyBytes) else {
            throw ValidationError("--max-body-bytes: 1 to \(64 << 20)")
        }
        guard (1...3600).contains(self.requestTimeout) else { throw ValidationError("--request-timeout: 1 to 3600") }
        guard (1...65_535).contains(self.maxConnections) else {
            throw ValidationError("--max-connections: 1 to 65535")
        }
        guard (1...86_400).contains(self.execTimeout) else { throw ValidationError("--exec-timeout: 1 to 86400") }
        guard self.retryInitial >= 0.01, self.retryMax >= self.retryInitial, self.retryMax <= 86_400 else {
            throw ValidationError("--retry-initial at least 0.01, and --retry-max from it to 86400")
        }
        if let consumer, consumer.isEmpty || consumer.count > 200 {
            throw ValidationError("--consumer: a name of 1 to 200 characters")
        }
        if let exec, exec.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--exec: an empty command")
        }
        _ = try self.verifier()
    }

    func verifier() throws -> WebhookVerifier {
        let configuration = WebhookVerifier.Configuration(tolerance: .seconds(self.tolerance))
        return try WebhookSecretFile.verifier(
            path: self.secretFile,
            scheme: self.scheme.scheme,
            configuration: configuration
        )
    }

    var deliveryConfiguration: WebhookDeliveryLoop.Configuration {
        WebhookDeliveryLoop.Configuration(
            consumer: self.consumer ?? (self.exec == nil ? "stdout" : "exec"),
            command: self.exec,
            execTimeout: .seconds(self.execTimeout),
            retryInitial: self.retryInitial,
            retryMax: self.retryMax
        )
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let store = try await StoreOptions.open(self.store)
        let inbox = WebhookInbox(verifier: try self.verifier(), store: store)
        do {
            try await WebhookReceiver(inbox: inbox, delivery: self.deliveryConfiguration).serve(
                host: self.host,
                port: self.port,
                idleTimeout: .seconds(self.requestTimeout),
                maximumConnections: self.maxConnections,
                maximumBodySize: self.maxBodyBytes
            )
        } catch {
            await (store as? PostgresIdempotencyStore)?.close()
            throw error
        }
        await (store as? PostgresIdempotencyStore)?.close()
    }
}
