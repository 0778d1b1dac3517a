/// A step of a checkout task, reported to ``CheckoutTask/Configuration-swift.struct/onEvent``.
public enum CheckoutEvent: Sendable, Hashable {
    /// The task works on generation `generation`; `resumed` when an earlier invocation started it.
    case generation(Int, resumed: Bool)
    /// The anchor is committed to the store; `resumed` when an earlier invocation committed it.
    case anchored(String, generation: Int, resumed: Bool)
    /// A step (`create`, `update`, `complete`, `confirm`, `retrieve`) returned `status`.
    case step(String, status: Int)
    /// The session or PaymentIntent is being polled until it settles.
    case polling(String)
}
