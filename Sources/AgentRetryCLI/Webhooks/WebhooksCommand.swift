import ArgumentParser

/// `agent-retry webhooks`: receive signed webhooks into the store's durable inbox, and read what
/// they told of a task's order.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Receive signed webhooks into the store's durable inbox, and read what they told.",
        subcommands: [WebhooksListenCommand.self, WebhooksEventsCommand.self]
    )
}
