import AgentRetry
import AgentRetryTesting
import Foundation
import GRDB
import Testing

/// `SQLiteIdempotencyStore(path:)` on a file that is not a store of ours: refused with a typed
/// error before anything is written, the file left byte for byte as it was.
@Suite("SQLite: another program's file")
struct SQLiteForeignFileTests {
    /// What another program may have left at the path.
    enum Foreign: String, CaseIterable, Sendable {
        /// Tables of its own, one of them named like ours (`setting`).
        case tablesNamedLikeOurs
        /// Tables of its own, none named like ours.
        case unrelatedTables
        /// Another GRDB program's database: GRDB's migrations table, with its own migrations.
        case anotherGRDBProgram
        /// Another program's database in WAL mode.
        case walDatabase
        /// Text, not a database.
        case notADatabase
    }

    static func newPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString).db").path
    }

    /// The file's bytes, and which of its companion files (`-wal`, `-shm`, `-journal`) exist.
    static func fingerprint(_ path: String) throws -> (bytes: Data, companions: [String]) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let companions = ["-wal", "-shm", "-journal"].filter { FileManager.default.fileExists(atPath: path + $0) }
        return (bytes, companions)
    }

    static func make(_ foreign: Foreign, at path: String) throws {
        if foreign == .notADatabase {
            try Data("name,amount\nalice,12\n".utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            switch foreign {
            case .tablesNamedLikeOurs:
                try db.execute(sql: "CREATE TABLE setting (name TEXT PRIMARY KEY, value TEXT)")
                try db.execute(sql: "INSERT INTO setting VALUES ('theme', 'dark')")
                try db.execute(sql: "CREATE TABLE invoice (id INTEGER PRIMARY KEY, total INTEGER)")
            case .unrelatedTables, .walDatabase:
                try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
                try db.execute(sql: "INSERT INTO users (name) VALUES ('alice')")
            case .anotherGRDBProgram:
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('createPlayers')")
                try db.execute(sql: "CREATE TABLE player (id INTEGER PRIMARY KEY, score INTEGER)")
            case .notADatabase: break
            }
        }
        if foreign == .walDatabase {
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        }
        try queue.close()
    }

    @Test("Refused with notAStore, naming the file, and the file unchanged byte for byte", arguments: Foreign.allCases)
    func refused(_ foreign: Foreign) throws {
        let path = Self.newPath()
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        }
        try Self.make(foreign, at: path)
        let before = try Self.fingerprint(path)
        let error = #expect(throws: IdempotencyStoreError.self) { _ = try SQLiteIdempotencyStore(path: path) }
        #expect(error?.code == .notAStore)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("not an AgentRetry store") == true)
        let after = try Self.fingerprint(path)
        #expect(after.bytes == before.bytes)
        if foreign != .walDatabase { #expect(after.companions == before.companions) }
    }

    @Test("An empty file, or none, becomes a store; a store of ours opens again")
    func emptyFileAndOurStore() async throws {
        for existing in [true, false] {
            let path = Self.newPath()
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            if existing { #expect(FileManager.default.createFile(atPath: path, contents: Data())) }
            let record = try await SQLiteIdempotencyStore(path: path).insertIfAbsent(makeRecord())
            #expect(try await SQLiteIdempotencyStore(path: path).record(for: record.key) == record)
        }
    }
}
