import AgentRetry
import Foundation

/// A webhook whose signature and timestamp verified: what the sender said, and what its headers told.
///
/// The body is kept as the bytes that were signed (``rawBody``) and as parsed JSON (``body``). An ACP
/// event reads as `AgentRetryACP`'s `ACPWebhookEvent` with `ACPWebhookEvent(members:)` on the body's
/// object; an event type this code does not know is kept like any other.
public struct VerifiedWebhook: Sendable, Hashable, CustomStringConvertible {
    /// The scheme whose signature verified.
    public let scheme: WebhookScheme
    /// The sender's id of the event, where the scheme has one: Standard Webhooks' `webhook-id`,
    /// Stripe's body `id` (`evt_...`). `nil` for ACP, whose events carry no id.
    public let eventID: String?
    /// The body's `type` member, when it is a string (`order_create`, `payment_intent.succeeded`, ...).
    public let eventType: String?
    /// The signed timestamp, in Unix seconds.
    public let timestamp: Int64
    /// The body, parsed.
    public let body: JSONValue
    /// The body's bytes, exactly as they were signed.
    public let rawBody: [UInt8]

    /// Creates a verified webhook; ``WebhookVerifier`` makes them.
    public init(scheme: WebhookScheme, eventID: String?, timestamp: Int64, body: JSONValue, rawBody: [UInt8]) {
        self.scheme = scheme
        self.eventID = eventID
        self.eventType = body["type"]?.stringValue
        self.timestamp = timestamp
        self.body = body
        self.rawBody = rawBody
    }

    /// The signed timestamp as a date.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(self.timestamp)) }

    /// The scheme, the event's id and type, and the timestamp; not the body.
    public var description: String {
        "VerifiedWebhook(\(self.scheme), id: \(self.eventID ?? "-"), type: \(self.eventType ?? "-"), "
            + "t: \(self.timestamp), \(self.rawBody.count) bytes)"
    }
}
