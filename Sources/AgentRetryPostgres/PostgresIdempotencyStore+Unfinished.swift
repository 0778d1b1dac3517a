import AgentRetry
import Foundation

extension PostgresIdempotencyStore {
    public func unfinishedRecords(
        after: IdempotencyKey?,
        limit: Int
    ) async throws(IdempotencyStoreError) -> [IdempotencyRecord] {
        let rows = try await self.rows(
            "list unfinished records",
            Self.schema.selectUnfinishedRecords(after: after, limit: limit)
        )
        var records: [IdempotencyRecord] = []
        for row in rows { records.append(try Self.decode(row)) }
        return records
    }
}
