import AgentRetry
import AgentRetryWebhooks
import Foundation
import NIOCore
import NIOHTTP1

/// What `webhooks listen` runs: the HTTP receiver, which records events in the inbox, and the
/// delivery loop, which hands them to the consumer, until SIGTERM or SIGINT.
struct WebhookReceiver: Sendable {
    let inbox: WebhookInbox
    let delivery: WebhookDeliveryLoop.Configuration

    /// Listens, announces the port on standard output, and serves until a signal; then stops
    /// accepting, lets the delivery in progress end, and closes the connections.
    func serve(
        host: String,
        port: Int,
        idleTimeout: Duration,
        maximumConnections: Int,
        maximumBodySize: Int
    ) async throws {
        let signals = ShutdownSignals(log: WebhookLog.write)
        let server = try await LoopbackHTTPServer.bind(
            host: host,
            port: port,
            idleTimeout: idleTimeout,
            maximumConnections: maximumConnections
        )
        let loop = WebhookDeliveryLoop(store: self.inbox.store, configuration: self.delivery)
        let url = "http://\(LoopbackHTTPServer.urlHost(host)):\(server.port)/"
        CommandOutput.report(["status": "listening", "url": .string(url), "port": .number(Double(server.port))])
        WebhookLog.write("listening on \(url) (\(self.inbox.verifier.scheme)), consumer \(self.delivery.consumer)")
        let first = signals.first
        let inbox = self.inbox
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await server.run { connection in
                    await WebhookReceiverConnection.serve(
                        connection,
                        inbox: inbox,
                        maximumBodySize: maximumBodySize,
                        received: { loop.wake() }
                    )
                }
                return false
            }
            group.addTask {
                await loop.run()
                return false
            }
            group.addTask {
                for await _ in first { return true }
                return false
            }
            if try await group.next() ?? false {
                WebhookLog.write("shutting down")
                await server.stopAccepting()
                await loop.stop()
                await server.closeConnections()
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        withExtendedLifetime(signals) {}
        WebhookLog.write("shut down")
    }
}
