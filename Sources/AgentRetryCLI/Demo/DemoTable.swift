import Foundation

/// The side-by-side table the demo prints.
enum DemoTable {
    static let columns = [
        "run", "tasks", "requests", "faults", "kills", "completed", "declined", "needs input", "pending", "other ended",
        "duplicate charges", "lost tasks", "p50 task", "p99 task", "duplicate amount", "after reconcile",
    ]

    static func render(_ runs: [DemoFigures]) -> String {
        let rows = runs.map { figures -> [String] in
            [
                figures.strategy.rawValue, "\(figures.tasks)", "\(figures.requests)", "\(figures.faults)",
                "\(figures.kills)",
                "\(figures.completed)", "\(figures.declined)", "\(figures.needsInput)", "\(figures.pending.count)",
                "\(figures.otherEnded)",
                "\(figures.duplicateCharges) (\(figures.duplicatedTasks) tasks)", "\(figures.lost.count)",
                Self.seconds(figures.p50), Self.seconds(figures.p99),
                figures.reconcile.map { Self.money($0.amountBefore) } ?? "n/a",
                figures.reconcile.map { Self.money($0.amountAfter) } ?? "n/a",
            ]
        }
        let widths = Self.columns.indices.map { column in
            ([Self.columns[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0
                    ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([line(Self.columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(
            separator: "\n"
        )
    }

    /// The reasons behind the pending and lost counts, a line per task (at most `limit` per run).
    static func notes(_ runs: [DemoFigures], limit: Int = 5) -> String {
        var lines: [String] = []
        for figures in runs {
            for (id, reason) in figures.pending.prefix(limit) {
                lines.append("\(figures.strategy.rawValue) pending \(id): \(reason)")
            }
            for (id, why) in figures.lost.prefix(limit) {
                lines.append("\(figures.strategy.rawValue) lost \(id): \(why)")
            }
            let more = max(0, figures.pending.count - limit) + max(0, figures.lost.count - limit)
            if more > 0 { lines.append("\(figures.strategy.rawValue): \(more) more in --json") }
        }
        return lines.joined(separator: "\n")
    }

    /// Minor units as major ones, `12.34`.
    static func money(_ minor: Int) -> String {
        String(format: "%.2f", Double(minor) / 100)
    }

    /// A line per run on what the reconcile step found and refunded.
    static func reconcileNotes(_ runs: [DemoFigures]) -> String {
        runs.compactMap { figures -> String? in
            guard let reconcile = figures.reconcile else { return nil }
            if let error = reconcile.error { return "\(figures.strategy.rawValue) reconcile failed: \(error)" }
            return "\(figures.strategy.rawValue) reconcile: found \(reconcile.found) of the ledger's "
                + "\(reconcile.ledgerDuplicates) duplicate charges, refunded \(reconcile.refunded) "
                + (reconcile.verdict ? "(each once)" : "(MISMATCH with the ledger)")
        }.joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f s", Double(DemoFigures.milliseconds(duration)) / 1000)
    }
}
