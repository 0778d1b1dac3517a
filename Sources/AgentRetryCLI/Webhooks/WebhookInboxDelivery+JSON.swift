import AgentRetry
import Foundation

extension WebhookInboxDelivery {
    /// What the consumer gets: the verified event body, and what the receiver learned of it.
    var json: JSONValue {
        var object = self.event.summaryJSON.objectValue ?? [:]
        object["attempt"] = .number(Double(self.attempt))
        object["consumer"] = .string(self.consumer)
        object["event"] =
            (try? JSONValue(parsing: self.event.body)) ?? .string(String(decoding: self.event.body, as: UTF8.self))
        return .object(object)
    }
}

extension WebhookInboxEvent {
    /// The event's fields, without its body.
    var summaryJSON: JSONValue {
        let optional: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
        return [
            "dedup_key": .string(self.dedupKey), "scheme": .string(self.scheme), "event_id": optional(self.eventID),
            "event_type": optional(self.eventType), "task_id": optional(self.taskID),
            "order_id": optional(self.orderID), "session_id": optional(self.sessionID),
            "order_status": optional(self.orderStatus),
            "received_at": .string(self.receivedAt.formatted(.iso8601)),
        ]
    }
}

extension WebhookOrderState {
    /// The state's fields.
    var json: JSONValue {
        let optional: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
        return [
            "order_id": .string(self.orderID), "task_id": optional(self.taskID), "session_id": optional(self.sessionID),
            "status": .string(self.status), "dedup_key": .string(self.dedupKey),
            "updated_at": .string(self.updatedAt.formatted(.iso8601)),
        ]
    }
}
