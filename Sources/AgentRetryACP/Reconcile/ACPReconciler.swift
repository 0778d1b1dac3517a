import AgentRetry

/// What reconciliation can do for an ACP merchant: report its unfinished records, honestly.
///
/// ACP has no listing of checkout sessions or orders, and a record keeps its task id only inside
/// its intent's hash; an unfinished step (a create or a complete whose answer was lost) carries no
/// anchor, since an anchor is written with a successful outcome only. So the outcome cannot be
/// looked up here: re-running `agent-retry checkout` for the task resumes it from its session (the
/// create's anchor) and settles the step by reading the session. Duplicate orders cannot be found
/// without a listing either; the report says so.
package struct ACPReconciler: Sendable {
    let store: any IdempotencyStore
    let pageSize: Int

    /// A reconciler of `store`'s ACP records, reading `pageSize` records at a time.
    package init(store: any IdempotencyStore, pageSize: Int = 100) {
        self.store = store
        self.pageSize = pageSize
    }

    /// The notes every ACP report carries.
    static let notes = [
        "ACP has no listing of checkout sessions or orders: unfinished steps cannot be looked up by task; "
            + "re-run `agent-retry checkout` for each task, which resumes from its session and settles it",
        "duplicate orders cannot be found over ACP (no listing); duplicates are found for Stripe only",
    ]

    /// Every unfinished ACP record, as unresolved; others as skipped.
    package func run() async throws(ReconcileError) -> ReconcileReport {
        var report = ReconcileReport()
        report.notes = Self.notes
        var after: IdempotencyKey?
        while true {
            let page: [IdempotencyRecord]
            do {
                page = try await self.store.unfinishedRecords(after: after, limit: self.pageSize)
            } catch {
                throw ReconcileError(code: .store, message: error.message, underlying: error)
            }
            for record in page {
                if record.profile == PSPProfile.acp.name {
                    report.unresolved.append(
                        StripeReconciler.left(record, "no ACP lookup by task: re-run the task's checkout")
                    )
                } else {
                    report.skipped.append(StripeReconciler.left(record, "not an ACP record"))
                }
            }
            guard page.count >= self.pageSize, let last = page.last else { return report }
            after = last.key
        }
    }
}
