import AgentRetry

/// Refunds extra charges exactly once, whoever runs it, how often and with whichever store: every
/// refund goes through ``StripeRefund`` under a key that depends on the task and the charge only.
///
/// The refund task's id is `duplicate:TASK:CHARGE`, and its key is derived under a fixed, public
/// secret (not the store's) in the namespace ``namespace``: any reconciler of the same PSP base URL
/// derives the same key, so the PSP answers a second refund of a charge with the first one's
/// result. Before sending, the charge's refunds are listed (`GET /v1/refunds?payment_intent=`): a
/// charge refunded already, by anyone, is not refunded again.
struct DuplicateRefunder: Sendable {
    /// The namespace of the refunds' intents.
    static let namespace = "agentretry.reconcile"

    /// The fixed secret the refunds' keys are derived under: public on purpose, so that keys
    /// depend on the task and the charge alone.
    static let secret: IdempotencyKeyDeriver.Secret = {
        guard let secret = try? IdempotencyKeyDeriver.Secret(bytes: Array("agentretry.reconcile.duplicate.v1".utf8))
        else { preconditionFailure("the fixed secret is long enough") }
        return secret
    }()

    let objects: StripeObjects
    let refund: StripeRefund

    /// A refunder through a client like `client` on `store`, but deriving keys under ``secret``.
    init(objects: StripeObjects, client: IdempotentClient, store: any IdempotencyStore) {
        self.objects = objects
        let keyed = IdempotentClient(
            transport: client.transport,
            store: store,
            secret: Self.secret,
            configuration: client.configuration,
            environment: client.environment
        )
        self.refund = StripeRefund(
            client: keyed,
            baseURL: objects.baseURL,
            apiKey: objects.apiKey,
            configuration: StripeRefund.Configuration(namespace: Self.namespace)
        )
    }

    /// The refund task of `charge`, an extra charge of `task`.
    static func refundTaskID(task: String, charge: String) -> String { "duplicate:\(task):\(charge)" }

    /// Refunds a charge's status counted as money returned (or about to be).
    static let returning: Set<String> = ["succeeded", "pending", "requires_action"]

    /// What becomes of `charge`, an extra charge of `task`: refunded (when `refunding`) unless it
    /// has been already.
    func settle(
        _ charge: DuplicateCharge.Charge,
        task: String,
        refunding: Bool
    ) async throws(ReconcileError) -> ReconcileReport.ExtraCharge {
        let refunds = try await self.objects.refunds(of: charge.id)
        let returned = refunds.filter { Self.returning.contains($0["status"]?.stringValue ?? "") }
        let refunded = returned.reduce(0) { $0 + Int($1["amount"]?.numberValue ?? 0) }
        var extra = ReconcileReport.ExtraCharge(
            charge: charge,
            status: .notRefunded,
            refundIDs: refunds.compactMap { $0["id"]?.stringValue },
            reason: nil
        )
        if refunded >= charge.amount {
            extra.status = .alreadyRefunded
            return extra
        }
        if refunded > 0 { extra.reason = "\(refunded) of \(charge.amount) refunded" }
        guard refunding else { return extra }
        let outcome: StripeRefundOutcome
        do {
            outcome = try await self.refund.run(
                taskID: Self.refundTaskID(task: task, charge: charge.id),
                paymentIntent: charge.id,
                amount: charge.amount - refunded
            )
        } catch {
            return try Self.failed(extra, error)
        }
        if let id = outcome.refundID, !extra.refundIDs.contains(id) { extra.refundIDs.insert(id, at: 0) }
        switch outcome.status {
        case .succeeded, .processing:
            extra.status = outcome.replayed || outcome.fromStore ? .alreadyRefunded : .refunded
            extra.reason = nil
        case .pending:
            extra.status = .pending
            extra.reason = outcome.reason
        default:
            extra.reason = outcome.reason ?? "the refund is \(outcome.status)"
        }
        return extra
    }

    /// The extra charge after a refund task that came to no outcome: pending when another
    /// reconciler holds it or its outcome is to be looked up, else the error.
    static func failed(
        _ extra: ReconcileReport.ExtraCharge,
        _ error: StripeRefundError
    ) throws(ReconcileError) -> ReconcileReport.ExtraCharge {
        var extra = extra
        switch error.code {
        case .inProgressElsewhere, .needsReconciliation:
            extra.status = .pending
            extra.reason = error.message
        case .conflict:
            extra.reason = "the refund task's stored request differs: \(error.message)"
        case .store:
            throw ReconcileError(code: .store, message: error.message, underlying: error)
        default:
            throw ReconcileError(
                code: .psp,
                message: "refunding \(extra.charge.id): \(error.message)",
                underlying: error
            )
        }
        return extra
    }
}
