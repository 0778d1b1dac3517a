import Foundation
import GRDB

/// Recognising a store of ours before anything is written: opening a database for writing switches
/// it to WAL and adds GRDB's migrations table, so a path that names another program's database must
/// be refused from a read-only look first.
extension SQLiteIdempotencyStore {
    /// The first migration's name: a file whose `grdb_migrations` lists it is a store of ours.
    static let firstMigration = "v1: records and settings"

    /// Checks, without writing to it, that the file at `path` is a store of ours, an empty file or
    /// none at all.
    /// - Throws: ``IdempotencyStoreError`` `notAStore` for a file that holds another program's
    ///   tables, views or triggers, or is not a SQLite database; `unavailable` when it cannot be read.
    static func inspect(path: String) throws(IdempotencyStoreError) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes, (attributes[.size] as? NSNumber)?.intValue != 0 else { return }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let objects: [String]
        let ours: Bool
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            (objects, ours) = try queue.read { db in
                let objects = try String.fetchAll(
                    db,
                    sql: """
                        SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')
                        AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'grdb_migrations' ORDER BY name
                        """
                )
                guard try db.tableExists("grdb_migrations"), try db.tableExists(Self.schema.recordTable) else {
                    return (objects, false)
                }
                let first = try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM grdb_migrations WHERE identifier = ?",
                    arguments: [Self.firstMigration]
                )
                return (objects, first == 1)
            }
            try queue.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw IdempotencyStoreError(
                code: .notAStore,
                message: "\(path) is not a SQLite database, so not an AgentRetry store; it was left as it is",
                underlying: error
            )
        } catch {
            throw IdempotencyStoreError(
                code: .unavailable,
                message: "cannot read the SQLite file at \(path)",
                underlying: error
            )
        }
        guard ours || objects.isEmpty else {
            let listed = objects.prefix(5).joined(separator: ", ") + (objects.count > 5 ? ", ..." : "")
            throw IdempotencyStoreError(
                code: .notAStore,
                message: """
                    \(path) holds another program's SQLite database (\(listed)), not an AgentRetry store; \
                    it was left as it is: name a new file for the store
                    """
            )
        }
    }
}
