import AgentRetry
import Foundation

extension InMemoryIdempotencyStore {
    public func unfinishedRecords(
        after: IdempotencyKey?,
        limit: Int
    ) async throws(IdempotencyStoreError) -> [IdempotencyRecord] {
        try self.withContents { contents in
            let unfinished = contents.records.values.filter { record in
                guard !record.state.isFinished else { return false }
                guard let after else { return true }
                return after.rawValue.utf8.lexicographicallyPrecedes(record.key.rawValue.utf8)
            }
            let sorted = unfinished.sorted { $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }
            return Array(sorted.prefix(max(1, limit)))
        }
    }
}
