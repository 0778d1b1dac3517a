import AgentRetry

/// What a reconciliation did: records settled, left unresolved or skipped, and the duplicate
/// charges found (with their refunds).
package struct ReconcileReport: Sendable {
    /// A record whose outcome the PSP told, now finished in the store.
    package struct Settled: Sendable, Hashable {
        /// The record's key.
        package let key: IdempotencyKey
        /// Its operation.
        package let operation: String
        /// The state it was in.
        package let from: IdempotencyRecord.State
        /// The state it ended in.
        package let state: IdempotencyRecord.State
        /// The PaymentIntent that told.
        package let paymentIntentID: String
    }

    /// A record left as it was, and why.
    package struct Left: Sendable, Hashable {
        /// The record's key.
        package let key: IdempotencyKey
        /// Its operation.
        package let operation: String
        /// Its state.
        package let state: IdempotencyRecord.State
        /// Why it was left.
        package let reason: String
    }

    /// One extra charge and what was done about it.
    package struct ExtraCharge: Sendable, Hashable {
        /// What became of the extra charge.
        package enum Status: String, Sendable, Hashable {
            /// Not refunded (without `--refund-duplicates`, or the refund was refused or failed).
            case notRefunded = "not_refunded"
            /// Refunded by this run.
            case refunded
            /// Refunded already (by an earlier run, another reconciler, or anyone): nothing sent.
            case alreadyRefunded = "already_refunded"
            /// The refund was sent and its outcome is unknown; the next run resumes it with the same key.
            case pending
        }

        /// The charge.
        package let charge: DuplicateCharge.Charge
        /// What became of it.
        package var status: Status
        /// The refunds of the charge at the PSP after this run.
        package var refundIDs: [String]
        /// Why it is not refunded, if it is not.
        package var reason: String?
    }

    /// One task charged more than once.
    package struct Duplicate: Sendable, Hashable {
        /// The task and its charges.
        package let charges: DuplicateCharge
        /// The extra charges, oldest first.
        package var extras: [ExtraCharge]
    }

    /// Records settled.
    package var settled: [Settled] = []
    /// Records whose outcome the PSP did not tell.
    package var unresolved: [Left] = []
    /// Records not looked at: held by a live process, or not a checkout's.
    package var skipped: [Left] = []
    /// Tasks charged more than once; `nil` when the protocol cannot tell (ACP).
    package var duplicates: [Duplicate]?
    /// What could not be looked for, in words (ACP's limits).
    package var notes: [String] = []

    /// An empty report.
    package init() {}
}
