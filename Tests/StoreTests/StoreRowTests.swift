import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

/// What needs raw access to a store's database, beside the shipped suite: the tables the schema
/// describes, corrupt rows, rows in a newer format, a newer schema. Every test runs unchanged
/// against SQLite and PostgreSQL.
@Suite("Stored rows and schemas", .serialized)
struct StoreRowTests {
    @Test(
        "A store's records table has the columns StoreColumn describes, in order, nullable where described",
        arguments: StoreKind.databases
    )
    func describedColumns(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let query =
                kind == .postgres
                ? """
                SELECT column_name || ' ' || is_nullable FROM information_schema.columns
                WHERE table_name = '\(fixture.recordTable)' ORDER BY ordinal_position
                """
                : """
                SELECT name || ' ' || CASE "notnull" WHEN 1 THEN 'NO' ELSE 'YES' END
                FROM pragma_table_info('\(fixture.recordTable)') ORDER BY cid
                """
            let columns = try await fixture.sql(query)
            #expect(columns == StoreColumn.allCases.map { "\($0.name) \($0.isNullable ? "YES" : "NO")" })
        }
    }

    @Test(
        "A corrupt row is a typed error naming its key; the row stays as it was and other rows still read",
        arguments: [("state", "'exploded'"), ("outcome_headers", "'not json'")],
        StoreKind.databases
    )
    func corruptRow(corruption: (column: String, value: String), kind: StoreKind) async throws {
        let (column, value) = corruption
        try await kind.withFixture { fixture async throws in
            let broken = makeRecord(
                state: .succeeded,
                outcome: .init(status: 200, headers: ["Content-Type": "application/json"], body: [1, 2])
            )
            let healthy = makeRecord()
            _ = try await fixture.store.insertIfAbsent(broken)
            _ = try await fixture.store.insertIfAbsent(healthy)
            let row = "\(fixture.recordTable) WHERE key = '\(broken.key.rawValue)'"
            let (table, keyIsBroken) = (fixture.recordTable, "key = '\(broken.key.rawValue)'")
            try await fixture.sql("UPDATE \(table) SET \(column) = \(value) WHERE \(keyIsBroken)")
            let before = try await fixture.sql("SELECT CAST(\(column) AS TEXT) FROM \(row)")

            let read = await storeError { _ = try await fixture.store.record(for: broken.key) }
            #expect(read?.code == .corruptRecord)
            #expect(read?.message.contains(broken.key.rawValue) == true)
            let firstWrite = await storeError {
                _ = try await fixture.store.insertAndLease(
                    broken,
                    owner: "me",
                    leaseExpiresAt: epoch + 30,
                    now: epoch,
                    adoptingFinished: true
                )
            }
            #expect(firstWrite?.code == .corruptRecord)
            // Removing expired records works beside it (and this one is not expired).
            #expect(try await fixture.store.removeFinishedRecords(expiredBefore: epoch, now: epoch) == 0)
            #expect(try await fixture.sql("SELECT CAST(\(column) AS TEXT) FROM \(row)") == before)
            #expect(try await fixture.store.record(for: healthy.key) == healthy)
        }
    }

    @Test(
        "A row in a newer record format is refused with a typed error and never leased, rewritten or removed",
        arguments: StoreKind.databases
    )
    func newerRowFormat(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let future = makeRecord(state: .failed, outcome: .init(status: 402, headers: [:], body: []))
            _ = try await fixture.store.insertIfAbsent(future)
            try await fixture.sql(
                """
                UPDATE \(fixture.recordTable) SET format = 2, psp_expires_at = 0 WHERE key = '\(future.key.rawValue)'
                """
            )

            let read = await storeError { _ = try await fixture.store.record(for: future.key) }
            #expect(read?.code == .unsupportedSchema)
            let firstWrite = await storeError {
                _ = try await fixture.store.insertAndLease(
                    future,
                    owner: "me",
                    leaseExpiresAt: epoch + 30,
                    now: epoch,
                    adoptingFinished: true
                )
            }
            #expect(firstWrite?.code == .unsupportedSchema)
            let lease = try await fixture.store.acquireLease(
                key: future.key,
                owner: "me",
                expiresAt: epoch + 30,
                now: epoch
            )
            #expect(lease == nil)
            #expect(await storeError { try await fixture.store.finish(future, owner: "me") }?.code == .leaseLost)
            #expect(try await fixture.store.removeFinishedRecords(expiredBefore: .distantFuture, now: epoch) == 0)
            let raw = try await fixture.sql(
                """
                SELECT CAST(format AS TEXT) || ' ' || coalesce(lease_owner, '-') FROM \(fixture.recordTable)
                """
            )
            #expect(raw == ["2 -"])
        }
    }

    @Test(
        "A store whose schema a newer AgentRetry migrated is refused on opening, with a typed error",
        arguments: StoreKind.databases
    )
    func newerSchema(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            let record = makeRecord()
            _ = try await fixture.store.insertIfAbsent(record)
            try await fixture.markSchemaFromTheFuture()
            let error = await storeError { _ = try await fixture.openAnother() }
            #expect(error?.code == .unsupportedSchema)
            #expect(try await fixture.store.record(for: record.key) == record)
        }
    }

    @Test(
        "An older store is brought up to date on opening: records kept, leases waited for, holders recorded",
        arguments: StoreKind.databases
    )
    func upgradeToLeaseHolders(kind: StoreKind) async throws {
        try await kind.withFixture { fixture async throws in
            var held = makeRecord(state: .inFlight)
            held.leaseOwner = "earlier-version"
            held.leaseExpiresAt = epoch + 600
            _ = try await fixture.store.insertIfAbsent(held)
            try await fixture.downgradeToBeforeLeaseHolders()
            let listColumns =
                kind == .postgres
                ? """
                SELECT column_name FROM information_schema.columns WHERE table_name = '\(fixture.recordTable)'
                ORDER BY ordinal_position
                """
                : "SELECT name FROM pragma_table_info('\(fixture.recordTable)') ORDER BY cid"
            let columns = try await fixture.sql(listColumns)
            #expect(columns.count == StoreColumn.withoutLeaseHolder.count)

            let upgraded = try await fixture.openAnother()
            #expect(try await upgraded.record(for: held.key) == held)
            let waited = try await upgraded.acquireLease(
                key: held.key,
                owner: "new",
                expiresAt: epoch + 600,
                now: epoch + 1
            )
            #expect(waited == nil)
            let fresh = try await upgraded.insertAndLease(
                makeRecord(),
                owner: "new",
                leaseExpiresAt: epoch + 30,
                now: epoch,
                adoptingFinished: true
            )
            #expect(fresh.leased && fresh.record.leaseHolder?.owner == "new")
            #expect(fresh.record.leaseHolder?.process != nil)
            #expect(try await fixture.sql(listColumns) == StoreColumn.allCases.map(\.name))
        }
    }
}
