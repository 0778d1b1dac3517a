import AgentRetry
import AgentRetryACP
import Foundation

/// What `agent-retry reconcile` prints: one JSON object, or a table of the duplicates.
struct ReconcileOutput {
    let report: ReconcileReport
    let `protocol`: String

    /// The extra charges this run refunded.
    var refunded: Int {
        (self.report.duplicates ?? []).reduce(0) { $0 + $1.extras.filter { $0.status == .refunded }.count }
    }

    var json: JSONValue {
        [
            "status": "ok",
            "protocol": .string(self.protocol),
            "settled": .array(
                self.report.settled.map { settled in
                    [
                        "key": .string(settled.key.rawValue), "operation": .string(settled.operation),
                        "from": .string(settled.from.rawValue), "state": .string(settled.state.rawValue),
                        "payment_intent_id": .string(settled.paymentIntentID),
                    ]
                }
            ),
            "unresolved": .array(self.report.unresolved.map(Self.json)),
            "skipped": .array(self.report.skipped.map(Self.json)),
            "duplicates": self.report.duplicates.map { .array($0.map(Self.json)) } ?? .null,
            "refunded": .number(Double(self.refunded)),
            "notes": .array(self.report.notes.map(JSONValue.string)),
        ]
    }

    static func json(_ left: ReconcileReport.Left) -> JSONValue {
        [
            "key": .string(left.key.rawValue), "operation": .string(left.operation),
            "state": .string(left.state.rawValue), "reason": .string(left.reason),
        ]
    }

    static func json(_ duplicate: ReconcileReport.Duplicate) -> JSONValue {
        let charges = duplicate.charges
        return [
            "task_id": .string(charges.taskID),
            "amount": .number(Double(charges.first.amount)),
            "currency": .string(charges.first.currency),
            "first_charge_id": .string(charges.first.id),
            "extra_charge_ids": .array(charges.extras.map { .string($0.id) }),
            "extra_amount": .number(Double(charges.extras.reduce(0) { $0 + $1.amount })),
            "refunds": .array(
                duplicate.extras.map { extra in
                    [
                        "charge_id": .string(extra.charge.id), "amount": .number(Double(extra.charge.amount)),
                        "status": .string(extra.status.rawValue),
                        "refund_ids": .array(extra.refundIDs.map(JSONValue.string)),
                        "reason": extra.reason.map(JSONValue.string) ?? .null,
                    ]
                }
            ),
        ]
    }

    static func json(_ error: ReconcileError) -> JSONValue {
        [
            "status": error.code == .invalidArgument ? "usage" : "error", "error": .string(error.code.description),
            "message": .string(SecretRedaction.redacting(error.message)),
        ]
    }

    /// The duplicates as a table (task, amount, first charge, extra charges and what became of them),
    /// then a line of counts.
    var table: String {
        var rows = [["task", "amount", "first", "extras"]]
        for duplicate in self.report.duplicates ?? [] {
            let charges = duplicate.charges
            rows.append([
                charges.taskID, "\(charges.first.amount) \(charges.first.currency)", charges.first.id,
                duplicate.extras.map { "\($0.charge.id) (\($0.status.rawValue))" }.joined(separator: ", "),
            ])
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        if self.report.duplicates == nil { lines.append("(duplicates cannot be found over ACP)") }
        lines.append(
            "settled \(self.report.settled.count), unresolved \(self.report.unresolved.count), "
                + "skipped \(self.report.skipped.count), refunded \(self.refunded)"
        )
        for note in self.report.notes { lines.append("note: \(note)") }
        return lines.map { $0.trimmingTrailingSpaces }.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
