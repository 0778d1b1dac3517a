import AgentRetry

extension MockPaymentCore {
    /// The ACP order statuses `POST /__admin/orders/{id}/status` accepts.
    static let orderStatuses: Set<String> = [
        "created", "confirmed", "manual_review", "processing", "shipped", "completed", "canceled",
    ]

    /// The whole `Order` of a completed session, as ACP's `order_create` and `order_update`
    /// events carry it.
    func orderJSON(_ session: CheckoutSession) -> JSONValue {
        let id = session.orderID ?? ""
        var order = SessionRendering.plainOrder(session, id: id, baseURL: self.baseURL)
        order["type"] = "order"
        order["status"] = .string(session.orderStatus)
        order["currency"] = .string(session.currency)
        order["line_items"] = .array(HandlerSessionRenderer(version: .v20260417).lineItems(session))
        order["totals"] = .array(SessionRendering.totals(of: session))
        order["refunds"] = []
        if let metadata = session.metadata { order["metadata"] = metadata }
        return .object(order)
    }

    /// The charge a `charge.refunded` event carries: the intent's latest charge with its
    /// refunded amount and the intent's metadata.
    static func chargeJSON(_ intent: PaymentIntent) -> JSONValue {
        [
            "id": intent.latestCharge.map(JSONValue.string) ?? .null, "object": "charge",
            "amount": .number(Double(intent.amount)), "amount_captured": .number(Double(intent.amountReceived)),
            "amount_refunded": .number(Double(intent.amountRefunded)), "currency": .string(intent.currency),
            "payment_intent": .string(intent.id), "payment_method": intent.paymentMethod.map(JSONValue.string) ?? .null,
            "metadata": .object(intent.metadata.mapValues(JSONValue.string)),
            "refunded": .bool(intent.amountRefunded >= intent.amountReceived), "captured": true,
            "paid": true, "status": "succeeded", "created": .number(Double(intent.created)), "livemode": false,
        ]
    }
}
