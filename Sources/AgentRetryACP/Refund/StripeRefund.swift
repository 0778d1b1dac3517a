import AgentRetry

/// Refunds a Stripe PaymentIntent exactly once per refund task, across retries, crashes and
/// re-invocations: one `POST /v1/refunds` (`payment_intent`, `amount`, `metadata[task_id]`) whose
/// `Idempotency-Key` is derived from the task's intent and persisted before anything is sent.
///
/// The intent is ``operation`` with the task id and the PSP's base URL. The PaymentIntent and the
/// amount are the body, not the identity: the same task id asked again with another PaymentIntent or
/// amount is refused as a ``StripeRefundError/Code/conflict`` before anything is sent, never a
/// second refund. The operation differs from the pay path's (`stripe.payment_intent.create`), so a
/// refund task may carry the id of the payment task whose PaymentIntent it refunds without touching
/// that task's records. One task id is one refund: a second partial refund needs another task id.
///
/// ```swift
/// let refund = StripeRefund(client: client, baseURL: "https://api.stripe.com", apiKey: key)
/// let outcome = try await refund.run(taskID: "task-42", paymentIntent: "pi_123", amount: 500)
/// // outcome.status: succeeded, processing, failed, rejected (outcome.rejection?.code) or pending
/// ```
public struct StripeRefund: Sendable, CustomReflectable {
    /// Settings of refund tasks.
    public struct Configuration: Sendable {
        /// The namespace of the tasks' intents (a tenant or an agent). Defaults to `default`.
        public var namespace: String
        /// Called when Stripe answers (``CheckoutEvent/step(_:status:)`` with step `refund`), for
        /// progress reports and crash tests. Defaults to nothing.
        public var onEvent: (@Sendable (CheckoutEvent) async -> Void)?

        /// Creates settings with the documented defaults.
        public init(namespace: String = "default") {
            self.namespace = namespace
        }
    }

    /// The operation of every refund task's intent.
    public static let operation = "stripe.refund.create"

    /// The idempotent client the refund goes through.
    public let client: IdempotentClient
    /// The PSP's base URL, without a trailing slash.
    public let baseURL: String
    let apiKey: String
    /// The settings.
    public let configuration: Configuration

    /// Creates a refund task runner against the Stripe-compatible PSP at `baseURL`.
    public init(client: IdempotentClient, baseURL: String, apiKey: String, configuration: Configuration = .init()) {
        self.client = client
        self.baseURL = ACPClient.Configuration.trimmingSlash(baseURL)
        self.apiKey = apiKey
        self.configuration = configuration
    }

    /// What `dump` and debuggers show: no API key.
    public var customMirror: Mirror { Mirror(self, children: ["baseURL": self.baseURL, "apiKey": "redacted"]) }

    /// The intent of refund task `taskID`: its key's identity.
    public func intent(taskID: String) -> IdempotencyIntent {
        IdempotencyIntent(
            namespace: self.configuration.namespace,
            operation: Self.operation,
            inputs: ["task_id": .string(taskID), "merchant": .string(self.baseURL)]
        )
    }

    /// The form fields of the refund, in the order they are sent.
    static func fields(taskID: String, paymentIntent: String, amount: Int) -> [(String, String)] {
        [("payment_intent", paymentIntent), ("amount", String(amount)), ("metadata[task_id]", taskID)]
    }

    /// Runs (or resumes) refund task `taskID`: refunds `amount` (minor units) of `paymentIntent`.
    /// - Returns: succeeded, processing, failed (Stripe created a refund with that status),
    ///   rejected (Stripe refused it, with its code) or pending (unknown: call again).
    /// - Throws: ``StripeRefundError`` for bad arguments, conflicts, leases held elsewhere,
    ///   reconciliation, store failures and unusable answers.
    public func run(
        taskID: String,
        paymentIntent: String,
        amount: Int
    ) async throws(StripeRefundError) -> StripeRefundOutcome {
        guard !taskID.isEmpty, !paymentIntent.isEmpty, amount >= 1 else {
            throw StripeRefundError(
                code: .invalidArgument,
                message: "a task id, a PaymentIntent id and an amount of at least 1 are required"
            )
        }
        do {
            try RequestTarget.validate(self.baseURL)
        } catch {
            throw StripeRefundError(code: .invalidArgument, message: "the PSP's base URL is not usable: \(error)")
        }
        let stripe = StripeCheckout(client: self.client, baseURL: self.baseURL, apiKey: self.apiKey)
        let form = StripeCheckout.formBody(Self.fields(taskID: taskID, paymentIntent: paymentIntent, amount: amount))
        let request = HTTPRequest(
            method: .post,
            url: self.baseURL + "/v1/refunds",
            headers: stripe.headers(),
            body: Array(form.utf8)
        )
        var outcome = StripeRefundOutcome(
            status: .pending,
            taskID: taskID,
            paymentIntentID: paymentIntent,
            amount: amount
        )
        let result: IdempotentResult
        do {
            result = try await self.client.send(
                request,
                intent: self.intent(taskID: taskID),
                profile: .stripe,
                reconcile: { _ in
                    try await self.find(taskID: taskID, paymentIntent: paymentIntent, amount: amount)
                }
            )
        } catch {
            outcome.idempotencyKey = error.key
            outcome.attempts = error.attempts
            let leaseLost = (error.underlying as? IdempotencyStoreError)?.code == .leaseLost
            return try Self.apply(
                StripeRefundVerdict.read(error.code, leaseLost: leaseLost, message: error.message),
                to: outcome,
                status: error.response?.status,
                underlying: error
            )
        }
        outcome.idempotencyKey = result.key
        outcome.attempts = result.attempts
        outcome.replayed = result.replayed
        outcome.fromStore = result.fromStore
        if let response = result.response, !result.fromStore {
            await self.configuration.onEvent?(.step("refund", status: response.status))
        }
        return try Self.apply(
            StripeRefundVerdict.read(result.status, response: result.response),
            to: outcome,
            status: result.response?.status,
            underlying: nil
        )
    }

    /// The outcome `verdict` makes of `outcome`, or the error it is.
    static func apply(
        _ verdict: StripeRefundVerdict,
        to outcome: StripeRefundOutcome,
        status: Int?,
        underlying: (any Error)?
    ) throws(StripeRefundError) -> StripeRefundOutcome {
        var outcome = outcome
        switch verdict {
        case .created(let id, let refundStatus, let amount, let currency, let failureReason):
            outcome.status = StripeRefundVerdict.status(ofRefund: refundStatus)
            outcome.refundID = id
            outcome.refundStatus = refundStatus
            outcome.amount = amount ?? outcome.amount
            outcome.currency = currency
            if outcome.status != .succeeded {
                outcome.reason = "the refund is \(refundStatus)" + (failureReason.map { ": \($0)" } ?? "")
            }
        case .rejected(let rejection):
            outcome.status = .rejected
            outcome.rejection = rejection
            outcome.reason = "the refund was refused: \(rejection.summary)"
        case .pending(let reason):
            outcome.status = .pending
            outcome.reason = reason
        case .failure(let code, let message):
            throw StripeRefundError(
                code: code,
                message: message,
                idempotencyKey: outcome.idempotencyKey,
                status: status,
                underlying: underlying
            )
        }
        return outcome
    }
}
