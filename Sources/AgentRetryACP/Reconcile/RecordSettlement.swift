import AgentRetry

/// What the PSP says of one unfinished record of a Stripe checkout: its outcome, found, or still
/// unknown. A pure decision; ``StripeReconciler`` writes it under the record's lease.
enum RecordSettlement: Sendable, Equatable {
    /// The outcome is known: the record ends in `state` with `outcome` (as the call would have kept
    /// it), and `anchor` for a create.
    case settle(
        state: IdempotencyRecord.State,
        outcome: IdempotencyRecord.Outcome,
        anchor: String?,
        paymentIntent: String
    )
    /// Still unknown, and why.
    case unresolved(String)
    /// Not a record of a Stripe checkout at `merchant` (another operation, PSP or command).
    case notCheckout

    /// The settlement of `record`, a record of `merchant`'s PaymentIntents, from `intents` (every
    /// PaymentIntent the PSP holds): the record is recognised by its intent identity, rebuilt from
    /// each PaymentIntent's `metadata[task_id]` and `metadata[generation]`.
    static func decide(_ record: IdempotencyRecord, merchant: String, intents: [StripePaymentIntent]) -> Self {
        guard record.profile == PSPProfile.stripe.name else { return .notCheckout }
        switch record.operation {
        case StripeBackend.createOperation:
            let created = intents.first { intent in
                guard let task = intent.taskID, let generation = intent.generation else { return false }
                let rebuilt = StripeBackend.createIntent(
                    namespace: record.namespace,
                    taskID: task,
                    merchant: merchant,
                    generation: generation
                )
                return (try? rebuilt.identityFingerprint()) == record.intentFingerprint
            }
            guard let created else {
                return .unresolved("no PaymentIntent has this create's task and generation: it did not arrive")
            }
            return .settle(
                state: .succeeded,
                outcome: Self.outcome(200, created.json),
                anchor: created.id,
                paymentIntent: created.id
            )
        case StripeBackend.confirmOperation:
            let confirmed = intents.first { intent in
                guard let task = intent.taskID else { return false }
                let rebuilt = StripeBackend.confirmIntent(
                    namespace: record.namespace,
                    taskID: task,
                    merchant: merchant,
                    paymentIntent: intent.id,
                    body: record.requestFingerprint.body
                )
                return (try? rebuilt.identityFingerprint()) == record.intentFingerprint
            }
            guard let confirmed else { return .unresolved("no PaymentIntent of this confirm's task was found") }
            let body = record.requestFingerprint.body
            let answer = StripeCheckout.confirmAnswer(confirmed) { token in
                RequestFingerprint.form(StripeCheckout.formBody([("payment_method", token)])) == body
            }
            guard let answer else {
                return .unresolved(
                    "PaymentIntent \(confirmed.id) is \(confirmed.status): the confirm's outcome is open"
                )
            }
            let state: IdempotencyRecord.State = (200..<300).contains(answer.status) ? .succeeded : .failed
            let outcome = IdempotencyRecord.Outcome(status: answer.status, headers: [:], body: answer.body)
            return .settle(state: state, outcome: outcome, anchor: nil, paymentIntent: confirmed.id)
        default:
            return .notCheckout
        }
    }

    static func outcome(_ status: Int, _ json: JSONValue) -> IdempotencyRecord.Outcome {
        IdempotencyRecord.Outcome(
            status: status,
            headers: ["Content-Type": "application/json"],
            body: json.serialized()
        )
    }
}
