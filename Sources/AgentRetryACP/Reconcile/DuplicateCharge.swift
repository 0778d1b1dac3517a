import AgentRetry

/// More than one succeeded charge for one task, whoever made them: the oldest is the one kept,
/// the others are extra (what "charged exactly once" forbids).
package struct DuplicateCharge: Sendable, Hashable {
    /// One succeeded PaymentIntent.
    package struct Charge: Sendable, Hashable {
        /// The PaymentIntent's id.
        package let id: String
        /// The amount received, in minor units.
        package let amount: Int
        /// The lower-case currency.
        package let currency: String
    }

    /// The task, from `metadata[task_id]`.
    package let taskID: String
    /// The oldest charge: the one the task keeps.
    package let first: Charge
    /// The others, oldest first.
    package let extras: [Charge]

    /// The tasks of `succeeded` (newest first, as Stripe lists) with more than one charge, in task
    /// order; each task's charges ordered by `created`, then by the PSP's order for equal seconds.
    static func find(in succeeded: [StripePaymentIntent]) -> [DuplicateCharge] {
        var byTask: [String: [StripePaymentIntent]] = [:]
        for intent in succeeded.reversed() where intent.status == .succeeded {
            guard let task = intent.taskID, !task.isEmpty else { continue }
            byTask[task, default: []].append(intent)
        }
        return byTask.compactMap { task, intents -> DuplicateCharge? in
            guard intents.count > 1 else { return nil }
            // Stable: the PSP's order breaks ties of `created`, which counts whole seconds.
            let ordered = intents.enumerated().sorted {
                ($0.element.created, $0.offset) < ($1.element.created, $1.offset)
            }
            let charges = ordered.map {
                Charge(id: $0.element.id, amount: $0.element.amountReceived, currency: $0.element.currency)
            }
            return DuplicateCharge(taskID: task, first: charges[0], extras: Array(charges.dropFirst()))
        }.sorted { $0.taskID < $1.taskID }
    }
}
