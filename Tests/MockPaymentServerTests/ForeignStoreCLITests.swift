import AgentRetry
import AgentRetryTesting
import Foundation
import MockPaymentServer
import Testing

/// `--store` naming another program's SQLite file: refused with the reason, nothing sent, and the
/// file left byte for byte as it was.
@Suite("agent-retry on another program's SQLite file")
struct ForeignStoreCLITests {
    @Test("post refuses it: exit 1, a message naming the file, no request, the file unchanged")
    func refused() async throws {
        let path = CLIChild.storePath()
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        }
        // Another program's database, made by another program: Python's sqlite3.
        let python = SpawnedProcess()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("CREATE TABLE setting (name TEXT PRIMARY KEY, value TEXT)")
            db.execute("INSERT INTO setting VALUES ('theme', 'dark')")
            db.commit()
            db.close()
            """,
            path,
        ]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        try await withMockServer { server, _ in
            let (status, json) = try await CLIChild.start([
                "post", server.baseURL + "/v1/payment_intents", "--store", path, "--task-id", "foreign",
                "--header", "Authorization: Bearer sk_test_cli", "--form", "amount=1200", "--form", "currency=usd",
            ]).finish()
            #expect(status == 1, "\(json)")
            let message = json["message"]?.stringValue ?? ""
            #expect(message.contains("notAStore") && message.contains(path), "\(json)")
            #expect(server.journal.isEmpty)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }
}
