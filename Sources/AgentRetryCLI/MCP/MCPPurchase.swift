import AgentRetry
import AgentRetryACP

/// One paying tool call, checked: what it buys, where, with which credential, and how much it
/// may cost (for the spending limits). Calls with the same ``key`` share one run.
struct MCPPurchase: Sendable {
    /// The tool called.
    let tool: String
    let taskID: String
    let cart: CheckoutCart
    let token: String
    let merchant: CheckoutTask.Merchant
    /// The argument a spending-limit refusal names.
    let amountField: String

    /// The identity of the call in this process: the tool, the task, the canonical cart and the
    /// credential. It stays in memory and is never printed.
    var key: String {
        let identity: JSONValue = [
            "tool": .string(self.tool), "task_id": .string(self.taskID), "cart": self.cart.canonicalJSON,
            "token": .string(self.token), "merchant": .string(self.merchant.baseURL),
        ]
        return String(decoding: (try? identity.canonicalized()) ?? identity.serialized(), as: UTF8.self)
    }

    /// A `checkout` call.
    static func checkout(
        _ arguments: MCPToolArguments,
        merchant: CheckoutTask.Merchant
    ) throws(MCPToolError) -> MCPPurchase {
        let taskID = try arguments.taskID()
        guard let cart = try arguments.cart() else { throw .invalid("cart", "cart is required") }
        guard let token = try arguments.optionalString("payment_token") ?? cart.paymentToken, !token.isEmpty else {
            throw .invalid("payment_token", "give payment_token, or a payment_token in the cart")
        }
        return MCPPurchase(
            tool: MCPToolCatalog.checkout,
            taskID: taskID,
            cart: cart,
            token: token,
            merchant: merchant,
            amountField: "cart"
        )
    }

    /// A `pay` call: one PaymentIntent of `amount`, as a one-line cart on the Stripe path.
    static func pay(_ arguments: MCPToolArguments, merchant: CheckoutTask.Merchant) throws(MCPToolError) -> MCPPurchase
    {
        let taskID = try arguments.taskID()
        let amount = try arguments.amount("amount")
        let currency = try arguments.currency("currency")
        let method = try arguments.string("payment_method")
        let cart = CheckoutCart(currency: currency, lines: [CheckoutCart.Line(id: "amount", unitAmount: amount)])
        return MCPPurchase(
            tool: MCPToolCatalog.pay,
            taskID: taskID,
            cart: cart,
            token: method,
            merchant: merchant,
            amountField: "amount"
        )
    }
}
