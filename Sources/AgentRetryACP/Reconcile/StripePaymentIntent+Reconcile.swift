import AgentRetry

/// What reconciliation reads of a PaymentIntent besides its status.
extension StripePaymentIntent {
    /// `metadata[task_id]`, whoever created the PaymentIntent.
    var taskID: String? { self.json["metadata"]?["task_id"]?.stringValue }
    /// `metadata[generation]`, as a checkout task writes it.
    var generation: Int? { self.json["metadata"]?["generation"]?.stringValue.flatMap { Int($0) } }
    /// The amount, in minor units.
    var amount: Int { Int(self.json["amount"]?.numberValue ?? 0) }
    /// The amount received, in minor units (the amount, when the PSP does not say).
    var amountReceived: Int { Int(self.json["amount_received"]?.numberValue ?? Double(self.amount)) }
    /// The lower-case currency.
    var currency: String { self.json["currency"]?.stringValue ?? "" }
    /// When it was created, in seconds since 1970.
    var created: Int { Int(self.json["created"]?.numberValue ?? 0) }
    /// The PaymentMethod it was confirmed with, if any.
    var paymentMethod: String? {
        self.json["payment_method"]?.stringValue
            ?? self.json["last_payment_error"]?["payment_method"]?["id"]?.stringValue
    }
}
