import AgentRetry
import Foundation

/// Finds what the PSP knows and the store does not: settles unfinished checkout records by looking
/// their PaymentIntents up, and lists tasks charged more than once (optionally refunding the
/// extra charges, each exactly once).
///
/// Records are read page by page (``IdempotencyStore/unfinishedRecords(after:limit:)``), matched to
/// PaymentIntents by their intent identity rebuilt from `metadata[task_id]` and
/// `metadata[generation]`, and settled under their lease: a record a live process holds is skipped.
/// Duplicates come from the PSP's own objects (the Search API, `status:'succeeded'`), whoever made
/// them and under whatever key.
package struct StripeReconciler: Sendable, CustomReflectable {
    /// Settings of a reconciliation.
    package struct Configuration: Sendable {
        /// Refund every extra charge (see ``DuplicateRefunder``). Defaults to `false`: only report.
        package var refundDuplicates = false
        /// Records read per page of the store. Defaults to 100.
        package var pageSize = 100

        /// Settings with the documented defaults.
        package init() {}
    }

    let client: IdempotentClient
    let store: any IdempotencyStore
    let objects: StripeObjects
    let configuration: Configuration

    package var customMirror: Mirror {
        Mirror(self, children: ["baseURL": self.objects.baseURL, "apiKey": "redacted"])
    }

    /// A reconciler of the Stripe-compatible PSP at `baseURL`, reading through `client` (whose
    /// store is `store`).
    package init(
        client: IdempotentClient,
        store: any IdempotencyStore,
        baseURL: String,
        apiKey: String,
        configuration: Configuration = Configuration()
    ) {
        self.client = client
        self.store = store
        self.objects = StripeObjects(
            client: client,
            baseURL: ACPClient.Configuration.trimmingSlash(baseURL),
            apiKey: apiKey
        )
        self.configuration = configuration
    }

    /// Settles what can be settled, then finds (and refunds, if configured) the duplicates.
    package func run() async throws(ReconcileError) -> ReconcileReport {
        do {
            try RequestTarget.validate(self.objects.baseURL)
        } catch {
            throw ReconcileError(code: .invalidArgument, message: "the PSP's base URL is not usable: \(error.message)")
        }
        var report = ReconcileReport()
        let intents = try await self.objects.allPaymentIntents()
        try await self.settleRecords(intents: intents, into: &report)
        let refunder = DuplicateRefunder(objects: self.objects, client: self.client, store: self.store)
        var duplicates: [ReconcileReport.Duplicate] = []
        for charges in DuplicateCharge.find(in: try await self.objects.succeededPaymentIntents()) {
            var duplicate = ReconcileReport.Duplicate(charges: charges, extras: [])
            for extra in charges.extras {
                duplicate.extras.append(
                    try await refunder.settle(
                        extra,
                        task: charges.taskID,
                        refunding: self.configuration.refundDuplicates
                    )
                )
            }
            duplicates.append(duplicate)
        }
        report.duplicates = duplicates
        return report
    }

    /// Every unfinished record, page by page: settled from `intents`, left, or skipped.
    func settleRecords(intents: [StripePaymentIntent], into report: inout ReconcileReport) async throws(ReconcileError)
    {
        var after: IdempotencyKey?
        while true {
            let page = try await self.storeCall {
                try await self.store.unfinishedRecords(after: after, limit: self.configuration.pageSize)
            }
            for record in page { try await self.settle(record, intents: intents, into: &report) }
            guard page.count >= self.configuration.pageSize, let last = page.last else { return }
            after = last.key
        }
    }

    /// One record: decided from `intents`, then written under its lease.
    func settle(
        _ listed: IdempotencyRecord,
        intents: [StripePaymentIntent],
        into report: inout ReconcileReport
    ) async throws(ReconcileError) {
        let merchant = self.objects.baseURL
        if case .notCheckout = RecordSettlement.decide(listed, merchant: merchant, intents: []) {
            report.skipped.append(Self.left(listed, "not a Stripe checkout record"))
            return
        }
        let owner = self.client.configuration.owner
        let now = self.client.environment.now()
        let expiry = now + self.client.configuration.leaseDuration.seconds
        let key = listed.key
        guard
            let record = try await self.storeCall({
                try await self.store.acquireLease(key: key, owner: owner, expiresAt: expiry, now: now)
            })
        else {
            report.skipped.append(Self.left(listed, "a live process holds its lease"))
            return
        }
        guard !record.state.isFinished else {
            try await self.storeCall { try await self.store.releaseLease(key: key, owner: owner) }
            return
        }
        switch RecordSettlement.decide(record, merchant: merchant, intents: intents) {
        case .settle(let state, let outcome, let anchor, let paymentIntent):
            var settled = record
            settled.state = state
            settled.outcome = outcome
            settled.anchor = anchor ?? record.anchor
            settled.updatedAt = now
            settled.leaseExpiresAt = expiry
            try await self.storeCall { try await self.store.finish(settled, owner: owner) }
            report.settled.append(
                .init(
                    key: key,
                    operation: record.operation,
                    from: record.state,
                    state: state,
                    paymentIntentID: paymentIntent
                )
            )
        case .unresolved(let reason):
            try await self.storeCall { try await self.store.releaseLease(key: key, owner: owner) }
            let why = record.state == IdempotencyRecord.State.prepared ? "nothing was sent yet (prepared)" : reason
            report.unresolved.append(Self.left(record, why))
        case .notCheckout:
            try await self.storeCall { try await self.store.releaseLease(key: key, owner: owner) }
        }
    }

    static func left(_ record: IdempotencyRecord, _ reason: String) -> ReconcileReport.Left {
        ReconcileReport.Left(key: record.key, operation: record.operation, state: record.state, reason: reason)
    }

    /// Runs a store operation, turning its failure into a typed error.
    func storeCall<T>(_ body: () async throws -> T) async throws(ReconcileError) -> T {
        do {
            return try await body()
        } catch {
            let message = (error as? IdempotencyStoreError)?.message ?? "\(error)"
            throw ReconcileError(code: .store, message: message, underlying: error)
        }
    }
}
