import AgentRetry

/// What a webhook body tells of an order, read by its shape: an ACP order event (`data.type` is
/// `order`) or a Stripe-style event (`data.object` is a `payment_intent` or a `charge`).
struct WebhookOrderFacts: Sendable, Hashable {
    var taskID: String?
    var orderID: String?
    var sessionID: String?
    var status: String?
    var rank: Int?

    /// The ACP order statuses in the order of an order's life; `completed` and `canceled` are both
    /// ends. A status this code does not know has no rank: it is recorded, and moves no order.
    static let acpRanks: [String: Int] = [
        "created": 1, "confirmed": 2, "manual_review": 3, "processing": 4, "shipped": 5, "completed": 6,
        "canceled": 6,
    ]

    /// Where a Stripe status stands within one second of `created`: a partial refund after the
    /// success, a full refund after that.
    static let stripeStages: [String: Int] = ["succeeded": 1, "canceled": 1, "partially_refunded": 2, "refunded": 3]

    init(body: JSONValue) {
        guard let data = body["data"] else { return }
        if data["type"]?.stringValue == "order" {
            self.sessionID = data["checkout_session_id"]?.stringValue
            self.orderID = data["id"]?.stringValue ?? self.sessionID.map { "session:\($0)" }
            self.status = data["status"]?.stringValue
            self.rank = self.status.flatMap { Self.acpRanks[$0] }
            // The client's reference for reconciliation, which AgentRetry's merchants echo as the task.
            self.taskID = data["metadata"]?["task_id"]?.stringValue ?? data["client_reference_id"]?.stringValue
        } else if let object = data["object"] {
            self.readStripe(object, type: body["type"]?.stringValue, created: body["created"]?.integerValue)
        }
    }

    private mutating func readStripe(_ object: JSONValue, type: String?, created: Int?) {
        self.taskID = object["metadata"]?["task_id"]?.stringValue
        switch object["object"]?.stringValue {
        case "payment_intent":
            self.orderID = object["id"]?.stringValue
            self.status = object["status"]?.stringValue
        case "charge":
            self.orderID = object["payment_intent"]?.stringValue ?? object["id"]?.stringValue
            // Stripe sends charge.refunded for a partial refund too: only `refunded` says it is whole.
            if object["refunded"]?.boolValue == true {
                self.status = "refunded"
            } else if type == "charge.refunded" || (object["amount_refunded"]?.integerValue ?? 0) > 0 {
                self.status = "partially_refunded"
            } else {
                self.status = object["status"]?.stringValue
            }
        default:
            return
        }
        if let created, let status = self.status {
            self.rank = created * 10 + (Self.stripeStages[status] ?? 0)
        }
    }
}
