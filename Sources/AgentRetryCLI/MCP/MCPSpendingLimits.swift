/// The spending limits of one `agent-retry mcp` process (`--max-amount-per-task`,
/// `--max-amount-per-run`, in minor units): a call that would exceed one is refused before anything
/// is sent. A task's amount is reserved when it is admitted and counted once however often the task
/// is called; it is released when the task ended with nothing paid.
struct MCPSpendingLimits: Sendable {
    /// The most one task may spend, or `nil` for no limit.
    let perTask: Int?
    /// The most all the tasks of this process may spend together, or `nil` for no limit.
    let perRun: Int?
    /// The amounts reserved, by task id.
    private(set) var reserved: [String: Int] = [:]

    init(perTask: Int?, perRun: Int?) {
        self.perTask = perTask
        self.perRun = perRun
    }

    /// Whether any limit is set.
    var isLimited: Bool { self.perTask != nil || self.perRun != nil }

    /// Admits task `taskID` for `amount` (`nil` when it is unknown before the merchant prices the
    /// cart), reserving it; `field` names the argument a refusal blames.
    mutating func admit(taskID: String, amount: Int?, field: String) throws(MCPToolError) {
        guard self.isLimited else { return }
        guard let amount else {
            throw MCPToolError(
                code: .spendingLimit,
                field: field,
                message: "a spending limit is set and the amount is unknown before sending: "
                    + "give unit_amount on every line of the cart"
            )
        }
        if let perTask, amount > perTask {
            throw MCPToolError(
                code: .spendingLimit,
                field: field,
                message: "the amount \(amount) exceeds the limit per task, \(perTask)"
            )
        }
        let others = self.reserved.filter { $0.key != taskID }.values.reduce(0, +)
        if let perRun, others + amount > perRun {
            throw MCPToolError(
                code: .spendingLimit,
                field: field,
                message: "the amount \(amount) would bring this server's spending to \(others + amount), "
                    + "over the limit per run, \(perRun)"
            )
        }
        self.reserved[taskID] = max(amount, self.reserved[taskID] ?? 0)
    }

    /// Releases task `taskID`'s reservation (it ended with nothing paid).
    mutating func release(taskID: String) {
        self.reserved[taskID] = nil
    }
}
