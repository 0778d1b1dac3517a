import AgentRetry
import AgentRetryACP
import Foundation
import MockPaymentServer

/// The demo's last step for a Stripe run: `agent-retry reconcile --refund-duplicates` over the run's
/// charges, against the same mock server, once the tasks are done (and the faults off). It finds
/// the duplicates from the PSP's own objects, whatever keys made them, and refunds each extra charge
/// once; the ledger says whether it found them all.
struct DemoReconcile {
    /// The duplicate amount before and after, and whether the reconcile matched the ledger.
    struct Figures: Sendable {
        /// Extra charges the reconcile found.
        let found: Int
        /// Extra charges it refunded.
        let refunded: Int
        /// Extra charges the ledger counts (charges beyond a task's first).
        let ledgerDuplicates: Int
        /// Minor units charged beyond each task's first charge.
        let amountBefore: Int
        /// What of that is still not refunded afterwards (from the ledger's refunds).
        let amountAfter: Int
        /// Whether every duplicate the ledger counts was found, and refunded exactly once.
        let verdict: Bool
        /// Why the reconcile could not run, if it could not.
        let error: String?

        var json: JSONValue {
            [
                "duplicates_found": .number(Double(self.found)), "refunded": .number(Double(self.refunded)),
                "ledger_duplicates": .number(Double(self.ledgerDuplicates)),
                "duplicate_amount_before": .number(Double(self.amountBefore)),
                "duplicate_amount_after": .number(Double(self.amountAfter)),
                "found_all_refunded_once": .bool(self.verdict),
                "error": self.error.map(JSONValue.string) ?? .null,
            ]
        }
    }

    let server: MockPaymentServer
    let directory: URL

    /// Runs the reconcile with a store of its own, then reads the ledger.
    func run() async -> Figures {
        self.server.clearFaults()
        var report: ReconcileReport?
        var failure: String?
        do {
            let store = try SQLiteIdempotencyStore(path: self.directory.appendingPathComponent("reconcile.sqlite").path)
            report = try await HTTPTransport.withTransport { transport in
                let client = IdempotentClient(
                    transport: transport,
                    store: store,
                    secret: try await IdempotentClient.storedSecret(in: store)
                )
                var configuration = StripeReconciler.Configuration()
                configuration.refundDuplicates = true
                return try await StripeReconciler(
                    client: client,
                    store: store,
                    baseURL: self.server.baseURL,
                    apiKey: "sk_test_demo",
                    configuration: configuration
                ).run()
            }
        } catch {
            failure = "\(error)"
        }
        return Self.figures(report: report, ledger: self.server.ledger, error: failure)
    }

    /// The figures of `report` against `ledger` (read after the reconcile).
    static func figures(report: ReconcileReport?, ledger: [LedgerEntry], error: String?) -> Figures {
        var charges: [String: [LedgerEntry]] = [:]
        var refunds: [String: [LedgerEntry]] = [:]
        for entry in ledger {
            guard let task = entry.taskID else { continue }
            if entry.kind == "charge" { charges[task, default: []].append(entry) }
            if entry.kind == "refund" { refunds[task, default: []].append(entry) }
        }
        let extras = charges.mapValues { Array($0.sorted { $0.time < $1.time }.dropFirst()) }
        let amountBefore = extras.values.joined().reduce(0) { $0 + $1.amount }
        let refundedAmount = refunds.values.joined().reduce(0) { $0 + $1.amount }
        let duplicates = report?.duplicates ?? []
        let found = duplicates.reduce(0) { $0 + $1.extras.count }
        let refunded = duplicates.reduce(0) { $0 + $1.extras.filter { $0.status == .refunded }.count }
        let ledgerDuplicates = extras.values.reduce(0) { $0 + $1.count }
        // Each task's refunds in the ledger are exactly its extra charges, one refund each.
        let foundByTask = Dictionary(uniqueKeysWithValues: duplicates.map { ($0.charges.taskID, $0.extras.count) })
        let refundsByTask = refunds.mapValues(\.count)
        let extraByTask = extras.filter { !$0.value.isEmpty }.mapValues(\.count)
        let verdict =
            error == nil && found == ledgerDuplicates && refunded == found && foundByTask == extraByTask
            && refundsByTask == extraByTask
        return Figures(
            found: found,
            refunded: refunded,
            ledgerDuplicates: ledgerDuplicates,
            amountBefore: amountBefore,
            amountAfter: amountBefore - refundedAmount,
            verdict: verdict,
            error: error
        )
    }
}
