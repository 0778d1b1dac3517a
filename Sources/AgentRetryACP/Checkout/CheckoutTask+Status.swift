import AgentRetry

extension CheckoutTask {
    /// What the store knows of task `taskID`, with no request sent: the latest generation's create
    /// (pending, refused or anchored) and, when the credential is given, the completion kept for it.
    ///
    /// The completion step's key is derived from its body, so it is found only with the
    /// credential (`paymentToken`) and, over ACP, the cart (its buyer is in the complete body);
    /// without them an anchored task reads ``CheckoutStoredStatus/State-swift.struct/anchored``
    /// even when it was paid. Run the task to learn more: a completed task answers from the store.
    /// - Throws: ``CheckoutTaskError`` with code `store` when the store cannot be read.
    public func storedStatus(
        taskID: String,
        cart: CheckoutCart? = nil,
        paymentToken: String? = nil
    ) async throws(CheckoutTaskError) -> CheckoutStoredStatus {
        let run = CheckoutRun(
            taskID: taskID,
            cart: cart ?? CheckoutCart(currency: "", lines: []),
            token: paymentToken ?? ""
        )
        let lookUpCompletion = paymentToken?.isEmpty == false
        switch self.merchant {
        case .acp(let configuration), .acpMCP(let configuration):
            // Only the store is read, and the binding keys its calls as REST does: the REST
            // backend finds the same records for a task run over MCP.
            return try await CheckoutFlow(backend: self.acpBackend(configuration), task: self)
                .storedStatus(run, completion: lookUpCompletion && cart != nil)
        case .stripe(_, let apiKey):
            let stripe = StripeCheckout(client: self.client, baseURL: self.merchant.baseURL, apiKey: apiKey)
            return try await CheckoutFlow(backend: StripeBackend(task: self, stripe: stripe), task: self)
                .storedStatus(run, completion: lookUpCompletion)
        }
    }
}
