import AgentRetry

extension CheckoutTask {
    /// The create body a task sends: one item per unit (ACP's `Item` has no quantity), the buyer,
    /// the fulfilment details, and `metadata` with the task id, the generation and a digest of
    /// the canonical cart (so that a task re-run with another cart is a conflict, not a second
    /// purchase).
    public static func createRequest(
        cart: CheckoutCart,
        taskID: String,
        generation: Int
    ) -> CheckoutSessionCreateRequest {
        CheckoutSessionCreateRequest(
            lineItems: cart.mergedLines.flatMap { line in Array(repeating: ACPItem(id: line.id), count: line.quantity)
            },
            currency: cart.currency,
            buyer: cart.buyer,
            fulfillmentDetails: cart.fulfillmentDetails,
            metadata: [
                "task_id": .string(taskID), "generation": .number(Double(generation)),
                "cart_digest": .string(cart.digest),
            ]
        )
    }

    /// The update body that selects `option` for every line of `session`.
    public static func updateRequest(
        selecting option: FulfillmentOption,
        in session: CheckoutSession
    ) -> CheckoutSessionUpdateRequest {
        CheckoutSessionUpdateRequest(selectedFulfillmentOptions: [
            SelectedFulfillmentOption(kind: option.kind, optionID: option.id, itemIDs: session.lineItems.map(\.id))
        ])
    }

    /// The complete body a task sends for the session `created` returned: deterministic for a
    /// session and a token, so its key is too.
    public func completeRequest(
        _ created: CheckoutSession,
        cart: CheckoutCart,
        token: String
    ) -> CheckoutSessionCompleteRequest {
        let handler = self.configuration.paymentHandlerID ?? created.paymentHandlerIDs.first ?? "card_tokenized"
        return CheckoutSessionCompleteRequest(
            paymentData: PaymentData(handlerID: handler, token: token),
            buyer: cart.buyer
        )
    }
}
