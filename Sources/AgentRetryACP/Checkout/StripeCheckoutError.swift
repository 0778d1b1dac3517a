import AgentRetry

/// A Stripe PaymentIntent call that did not return a PaymentIntent.
public struct StripeCheckoutError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable { case refused, pending, idempotency, malformedResponse, unreachable, invalidArgument }
        let base: Base
        /// The PSP answered with an error status; ``StripeCheckoutError/body`` has its body.
        public static let refused = Code(base: .refused)
        /// The outcome is unknown after the retries, or the first request is still in flight.
        public static let pending = Code(base: .pending)
        /// Another failure of the idempotent call: a conflict, the store, a lease, reconciliation.
        public static let idempotency = Code(base: .idempotency)
        /// A 2xx body that is not a PaymentIntent.
        public static let malformedResponse = Code(base: .malformedResponse)
        /// A GET that could not reach the PSP after its retries.
        public static let unreachable = Code(base: .unreachable)
        /// An id that cannot be put in a path.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What went wrong.
    public let code: Code
    /// Details; never a secret or a card.
    public let message: String
    /// The HTTP status, when a response arrived.
    public let status: Int?
    /// The PSP's error body (`{"error": {...}}`), read by its envelope.
    public let body: ErrorResponseBody?
    /// The idempotent call, when it returned.
    public let call: IdempotentResult?
    /// The underlying error: an `IdempotentCallError`, an ``ACPClientError`` of a GET.
    public let underlying: (any Error)?

    init(
        code: Code,
        message: String,
        status: Int? = nil,
        body: ErrorResponseBody? = nil,
        call: IdempotentResult? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.body = body
        self.call = call
        self.underlying = underlying
    }

    init(idempotentCall error: IdempotentCallError) {
        let pending = error.code == .inFlightAtServer || error.code == .retryAfterBeyondLimit
        self.init(
            code: pending ? .pending : .idempotency,
            message: error.message,
            status: error.response?.status,
            body: error.response.flatMap(ErrorResponseBody.init),
            underlying: error
        )
    }

    /// The code and the details.
    public var description: String { "StripeCheckoutError.\(self.code): \(self.message)" }
}

extension StripeCheckoutError: CheckoutStepFailure {
    var idempotentCallError: IdempotentCallError? { self.underlying as? IdempotentCallError }
    var isPending: Bool { self.code == .pending && self.idempotentCallError == nil }
    var apiVersion: ACPVersion? { nil }
}
