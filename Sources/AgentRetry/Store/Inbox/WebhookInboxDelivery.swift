import Foundation

/// An event claimed for one consumer: the consumer owns it until the claim expires, and then
/// either completes it (never handed out again) or has it retried later.
public struct WebhookInboxDelivery: Sendable, Hashable {
    /// The event.
    public var event: WebhookInboxEvent
    /// The consumer it is delivered to.
    public var consumer: String
    /// Who claimed it (one receiver process).
    public var owner: String
    /// Which attempt this is, from 1: more than 1 means an earlier attempt failed or its receiver
    /// died before it was marked complete, so the consumer may have seen the event already.
    public var attempt: Int

    /// Creates a delivery.
    public init(event: WebhookInboxEvent, consumer: String, owner: String, attempt: Int) {
        self.event = event
        self.consumer = consumer
        self.owner = owner
        self.attempt = attempt
    }
}
