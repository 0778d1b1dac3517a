import Foundation
import GRDB

extension SQLiteIdempotencyStore {
    public func unfinishedRecords(
        after: IdempotencyKey?,
        limit: Int
    ) async throws(IdempotencyStoreError) -> [IdempotencyRecord] {
        try await self.run("list unfinished records", reading: true) { db in
            let statement = Self.schema.selectUnfinishedRecords(after: after, limit: limit)
            let rows = try Row.fetchAll(
                db,
                sql: statement.sql { _ in "?" },
                arguments: Self.arguments(statement.values)
            )
            return try rows.map(Self.decode)
        }
    }
}
