import AgentRetry
import Foundation

/// One money movement: a charge, a refund or an ACP order.
public struct LedgerEntry: Sendable, Hashable {
    /// `charge`, `refund` or `order`.
    public var kind: String
    /// The object it belongs to (`pi_...`, `re_...`, `ord_...`).
    public var id: String
    /// Minor units.
    public var amount: Int
    /// Lower-case ISO currency.
    public var currency: String
    /// The idempotency key of the request that caused it, if any.
    public var idempotencyKey: String?
    /// The agent task, from Stripe `metadata[task_id]` or the ACP session's `metadata.task_id`.
    public var taskID: String?
    /// When it was recorded, on the server's clock.
    public var time: Date
    /// For an ACP order, the checkout session it completed.
    public var checkoutSessionID: String? = nil

    var json: JSONValue {
        [
            "kind": .string(self.kind), "id": .string(self.id), "amount": .number(Double(self.amount)),
            "currency": .string(self.currency), "idempotency_key": self.idempotencyKey.map(JSONValue.string) ?? .null,
            "task_id": self.taskID.map(JSONValue.string) ?? .null,
            "time": .string(ISO8601DateFormatter().string(from: self.time)),
            "checkout_session_id": self.checkoutSessionID.map(JSONValue.string) ?? .null,
        ]
    }
}

/// One request as the journal records it.
public struct JournalEntry: Sendable, Hashable {
    /// The method.
    public var method: String
    /// The path.
    public var path: String
    /// The `Idempotency-Key` header, if any.
    public var idempotencyKey: String?
    /// The fault action applied, if any.
    public var fault: String?
    /// The status sent, or `nil` when the connection was closed without a response.
    public var status: Int?
    /// Whether the response was a replay of a saved one.
    public var replayed: Bool
    /// For a request to `/mcp`: its JSON-RPC method (`initialize`, `tools/list`), or
    /// `tools/call NAME` for a tool call, whose `method` and `path` are those of the REST operation
    /// it maps to. `nil` for REST.
    public var mcp: String? = nil

    var json: JSONValue {
        var json: [String: JSONValue] = [
            "method": .string(self.method), "path": .string(self.path),
            "idempotency_key": self.idempotencyKey.map(JSONValue.string) ?? .null,
            "fault": self.fault.map(JSONValue.string) ?? .null,
            "status": self.status.map { .number(Double($0)) } ?? .string("dropped"),
            "replayed": .bool(self.replayed),
        ]
        if let mcp = self.mcp { json["mcp"] = .string(mcp) }
        return .object(json)
    }
}

/// Task ids with more than one charge or order: what "charged exactly once" forbids.
func duplicateChargeCounts(in entries: [LedgerEntry]) -> [(taskID: String, count: Int)] {
    var counts: [String: Int] = [:]
    for entry in entries where entry.kind == "charge" || entry.kind == "order" {
        guard let task = entry.taskID else { continue }
        counts[task, default: 0] += 1
    }
    return counts.filter { $0.value > 1 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
}
