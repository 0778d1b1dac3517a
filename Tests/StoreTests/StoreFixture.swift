import AgentRetry
import AgentRetryPostgres
import AgentRetryTesting
import Foundation
import GRDB
import PostgresTestServer
import Synchronization
import Testing

/// Every store the conformance suite runs against: each check runs once per kind, unchanged.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// One SQLite file.
    case sqlite
    /// One database on a real PostgreSQL 15 server.
    case postgres
    /// An ``InMemoryIdempotencyStore``.
    case inMemory

    /// The kinds with a database, which tests can reach beside the store.
    static let databases: [StoreKind] = [.sqlite, .postgres]

    var testDescription: String { self.rawValue }

    /// The shipped suite, with a new, empty store of this kind for each check.
    var conformance: IdempotencyStoreConformance {
        IdempotencyStoreConformance { [self] in
            guard self != .inMemory else {
                let store = InMemoryIdempotencyStore()
                return .init(
                    store: store,
                    openAnother: { store.openSession() },
                    openProcess: {
                        let session = store.openSession()
                        return .init(store: session, kill: { session.endSession() })
                    },
                    countRecords: { identity in
                        store.records.filter { identity == nil || $0.intentFingerprint == identity }.count
                    }
                )
            }
            let fixture = try await StoreFixture.make(self)
            return .init(
                store: fixture.store,
                openAnother: { try await fixture.openAnother() },
                openProcess: { try await fixture.openProcess() },
                countRecords: { identity in try await fixture.countRecords(identity: identity) },
                close: { await fixture.close() }
            )
        }
    }

    /// Runs `body` with a new, empty store of this kind (one of ``databases``), closed afterwards.
    func withFixture(_ body: (StoreFixture) async throws -> Void) async throws {
        let fixture = try await StoreFixture.make(self)
        do {
            try await body(fixture)
            await fixture.close()
        } catch {
            await fixture.close()
            throw error
        }
    }
}

/// A new store, a way to open it again as another process would, and raw SQL access that
/// bypasses the store (to corrupt rows and read them back as they are).
///
/// SQLite stores run on a ``ScriptedMachine``: each store opened is a process of its own there,
/// which ``openProcess()`` can kill.
final class StoreFixture: Sendable {
    let kind: StoreKind
    /// The store under test.
    let store: any IdempotencyStore
    /// The machine the SQLite stores run on.
    let machine: ScriptedMachine
    /// The records table's name.
    let recordTable: String
    private let location: Location
    private let opened: Mutex<[PostgresIdempotencyStore]>

    private enum Location: Sendable {
        case file(String)
        case database(PostgresTestServer, PostgresIdempotencyStore.Configuration)
    }

    private init(
        kind: StoreKind,
        store: any IdempotencyStore,
        machine: ScriptedMachine,
        location: Location,
        opened: [PostgresIdempotencyStore]
    ) {
        self.kind = kind
        self.store = store
        self.machine = machine
        self.location = location
        self.recordTable = kind == .sqlite ? StoreSchema.sqlite.recordTable : StoreSchema.postgres.recordTable
        self.opened = Mutex(opened)
    }

    static func make(_ kind: StoreKind) async throws -> StoreFixture {
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "store-\(UUID().uuidString).sqlite"
            ).path
            let machine = ScriptedMachine()
            return StoreFixture(
                kind: kind,
                store: try await Self.openSQLite(path, processes: machine.spawn()),
                machine: machine,
                location: .file(path),
                opened: []
            )
        case .postgres:
            let server = try await PostgresTestServer.shared()
            let configuration = try await server.makeDatabase()
            let store = try await PostgresIdempotencyStore.connect(configuration)
            return StoreFixture(
                kind: kind,
                store: store,
                machine: ScriptedMachine(),
                location: .database(server, configuration),
                opened: [store]
            )
        case .inMemory:
            preconditionFailure("an in-memory store has no database to reach beside it")
        }
    }

    /// The same store opened again, with its own connections: what another process sees.
    func openAnother() async throws(IdempotencyStoreError) -> any IdempotencyStore {
        switch self.location {
        case .file(let path):
            return try await Self.openSQLite(path, processes: self.machine.spawn())
        case .database(_, let configuration):
            let store = try await PostgresIdempotencyStore.connect(configuration)
            self.opened.withLock { $0.append(store) }
            return store
        }
    }

    /// The same store opened by another process, and its SIGKILL: on SQLite, a process of the
    /// scripted machine that the kill removes from its table; on PostgreSQL, a store whose
    /// connections the kill closes, without giving up its leases.
    func openProcess() async throws -> IdempotencyStoreConformance.StoreProcess {
        switch self.location {
        case .file(let path):
            let process = self.machine.spawn()
            let store = try await Self.openSQLite(path, processes: process)
            return .init(store: store, kill: { [machine] in machine.kill(process) })
        case .database(_, let configuration):
            let store = try await PostgresIdempotencyStore.connect(configuration)
            return .init(store: store, kill: { await store.close() })
        }
    }

    /// Opens a SQLite store on a thread of its own: opening is blocking file I/O that may wait for
    /// another connection's lock, and must not hold one of the few threads every test shares.
    static func openSQLite(
        _ path: String,
        processes: any ProcessTable
    ) async throws(IdempotencyStoreError) -> SQLiteIdempotencyStore {
        typealias Opening = CheckedContinuation<Result<SQLiteIdempotencyStore, IdempotencyStoreError>, Never>
        let result = await withCheckedContinuation { (continuation: Opening) in
            Thread {
                do throws(IdempotencyStoreError) {
                    continuation.resume(
                        returning: .success(try SQLiteIdempotencyStore(path: path, processes: processes))
                    )
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
        return try result.get()
    }

    /// Runs SQL on the store's database directly; returns the first column of each row as text
    /// (select one column, cast to text).
    @discardableResult
    func sql(_ statement: String) async throws -> [String?] {
        switch self.location {
        case .file(let path):
            let queue = try DatabaseQueue(path: path)
            return try await queue.write { db in
                if statement.uppercased().hasPrefix("SELECT") { return try String?.fetchAll(db, sql: statement) }
                try db.execute(sql: statement)
                return []
            }
        case .database(let server, let configuration):
            return try await server.execute(statement, database: configuration.database)
        }
    }

    /// Counts the rows of the records table (those of one intent identity, if given).
    func countRecords(identity: String?) async throws -> Int {
        let filter = identity.map { " WHERE intent_fingerprint = '\($0)'" } ?? ""
        let count = try await self.sql("SELECT CAST(count(*) AS TEXT) FROM \(self.recordTable)\(filter)")
        return Int(count.first.flatMap { $0 } ?? "") ?? -1
    }

    /// Records a schema version newer than this code knows, as a newer AgentRetry would.
    func markSchemaFromTheFuture() async throws {
        switch self.location {
        case .file: try await self.sql("INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        case .database:
            try await self.sql("INSERT INTO agentretry_schema_version (version, name) VALUES (99, 'from the future')")
        }
    }

    /// Puts the store back as the version before lease holders left it: the webhook inbox, the
    /// holder's columns and their migrations gone (and on PostgreSQL, the first write of that
    /// version back).
    func downgradeToBeforeLeaseHolders() async throws {
        let table = self.recordTable
        let schema: StoreSchema = if case .file = self.location { .sqlite } else { .postgres }
        for inboxTable in [schema.eventTable, schema.deliveryTable, schema.orderTable] {
            try await self.sql("DROP TABLE \(inboxTable)")
        }
        switch self.location {
        case .file:
            try await self.sql("DELETE FROM grdb_migrations WHERE identifier = 'v4: webhook inbox'")
            for column in StoreColumn.leaseHolder.reversed() {
                try await self.sql("ALTER TABLE \(table) DROP COLUMN \(column.name)")
            }
            try await self.sql("DELETE FROM grdb_migrations WHERE identifier = 'v3: lease holders'")
        case .database:
            try await self.sql("DROP FUNCTION \(PostgresIdempotencyStore.insertAndLeaseName)")
            for column in StoreColumn.leaseHolder.reversed() {
                try await self.sql("ALTER TABLE \(table) DROP COLUMN \(column.name)")
            }
            try await self.sql(
                PostgresIdempotencyStore.insertAndLeaseFunction(columns: StoreColumn.withoutLeaseHolder, holder: false)
            )
            try await self.sql("DELETE FROM agentretry_schema_version WHERE version IN (2, 3)")
        }
    }

    func close() async {
        for store in self.opened.withLock({ $0 }) { await store.close() }
        if case .file(let path) = self.location {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
}
