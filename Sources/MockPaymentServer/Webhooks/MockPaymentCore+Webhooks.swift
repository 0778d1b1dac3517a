import AgentRetry

extension MockPaymentCore {
    /// The ACP order statuses `POST /__admin/orders/{id}/status` accepts.
    static let orderStatuses: Set<String> = [
        "created", "confirmed", "manual_review", "processing", "shipped", "completed", "canceled",
    ]

    /// The whole `Order` of a completed session, as ACP's `order_create` and `order_update`
    /// events carry it, in the 2026-04-17 `Order` schema (no member it does not define): its line
    /// items with their quantities, the totals, no adjustments, and the task the client gave
    /// (`metadata.task_id`) as `client_reference_id`, the client's reference for reconciliation.
    func orderJSON(_ session: CheckoutSession) -> JSONValue {
        let id = session.orderID ?? ""
        var order = SessionRendering.plainOrder(session, id: id, baseURL: self.baseURL)
        order["type"] = "order"
        order["status"] = .string(session.orderStatus)
        let fulfilled = ["shipped", "completed"].contains(session.orderStatus)
        order["line_items"] = .array(
            session.lines.enumerated().map { index, line in
                [
                    "id": .string("li_\(index + 1)_\(line.product.id)"), "product_id": .string(line.product.id),
                    "title": .string(line.product.name),
                    "quantity": [
                        "ordered": .number(Double(line.quantity)), "current": .number(Double(line.quantity)),
                        "fulfilled": .number(Double(fulfilled ? line.quantity : 0)),
                    ],
                    "unit_price": .number(Double(line.product.unitAmount)),
                    "subtotal": .number(Double(line.product.unitAmount * line.quantity)),
                ]
            }
        )
        order["totals"] = .array(SessionRendering.totals(of: session))
        order["adjustments"] = []
        if let task = session.taskID { order["client_reference_id"] = .string(task) }
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
