import AgentRetry

/// One `refund` tool call, checked: which PaymentIntent, how much, for which refund task. Calls
/// with the same ``key`` share one run.
struct MCPRefundCall: Sendable {
    let taskID: String
    let paymentIntent: String
    let amount: Int

    /// The identity of the call in this process: the tool and its arguments. It stays in memory.
    var key: String {
        let identity: JSONValue = [
            "tool": .string(MCPToolCatalog.refund), "task_id": .string(self.taskID),
            "payment_intent": .string(self.paymentIntent), "amount": .number(Double(self.amount)),
        ]
        return String(decoding: (try? identity.canonicalized()) ?? identity.serialized(), as: UTF8.self)
    }

    /// The call `arguments` make; a refusal names the field.
    init(_ arguments: MCPToolArguments) throws(MCPToolError) {
        self.taskID = try arguments.taskID()
        let paymentIntent = try arguments.string("payment_intent")
        guard paymentIntent.count <= 255 else {
            throw .invalid("payment_intent", "payment_intent must be at most 255 characters")
        }
        self.paymentIntent = paymentIntent
        self.amount = try arguments.amount("amount")
    }
}
