import ArgumentParser
import Foundation

/// The `--task-id` of `post` and `checkout`: the identity of the task, so never empty.
enum TaskIDOption {
    /// Throws the usage error for an empty or white-space-only task id: such an id would make every
    /// task that forgot its id the same task.
    static func validate(_ taskID: String) throws {
        guard !taskID.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--task-id must not be empty or only white space")
        }
    }
}
