import Foundation

/// The side-by-side table the demo prints.
enum DemoTable {
    static let columns = [
        "run", "tasks", "requests", "faults", "kills", "completed", "declined", "needs input", "pending",
        "duplicate charges", "lost tasks", "p50 task", "p99 task",
    ]

    static func render(_ runs: [DemoFigures]) -> String {
        let rows = runs.map { figures -> [String] in
            [
                figures.strategy.rawValue, "\(figures.tasks)", "\(figures.requests)", "\(figures.faults)", "\(figures.kills)",
                "\(figures.completed)", "\(figures.declined)", "\(figures.needsInput)", "\(figures.pending)",
                "\(figures.duplicateCharges) (\(figures.duplicatedTasks) tasks)", "\(figures.lost.count)",
                Self.seconds(figures.p50), Self.seconds(figures.p99),
            ]
        }
        let widths = Self.columns.indices.map { column in
            ([Self.columns[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([line(Self.columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f s", Double(DemoFigures.milliseconds(duration)) / 1000)
    }
}
