/// One invocation's task: its id, its cart and its credential.
package struct CheckoutRun: Sendable {
    /// The task id.
    package var taskID: String
    /// What is bought.
    package var cart: CheckoutCart
    /// The payment credential (an ACP token, a Stripe PaymentMethod id).
    package var token: String
}
