import AgentRetry
import Foundation
import Testing

extension IdempotencyStoreConformance.Check {
    /// Listing unfinished records pages through every `prepared`, `inFlight` and `pending` one in key
    /// order, leased ones included, and no finished one.
    static func checkListUnfinished(_ subject: IdempotencyStoreConformance.Subject) async throws {
        let store = subject.store
        var unfinished: [IdempotencyRecord] = []
        for index in 0..<7 {
            let state = IdempotencyRecord.State.unfinished[index % 3]
            var record = makeRecord(key: "unfinished-\(UUID().uuidString)", state: state)
            if index == 4 {
                record.leaseOwner = "reader"
                record.leaseExpiresAt = epoch + 30
            }
            unfinished.append(try await store.insertIfAbsent(record))
        }
        for state in IdempotencyRecord.State.finished {
            _ = try await store.insertIfAbsent(makeRecord(key: "finished-\(UUID().uuidString)", state: state))
        }
        #expect(try await store.unfinishedRecords(after: nil, limit: 100).count == 7)
        var listed: [IdempotencyRecord] = []
        var after: IdempotencyKey?
        while true {
            let page = try await subject.openAnother().unfinishedRecords(after: after, limit: 3)
            #expect(page.count <= 3)
            listed += page
            guard page.count == 3, let last = page.last else { break }
            after = last.key
        }
        let expected = unfinished.sorted { $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }
        #expect(listed == expected, "every unfinished record once, in key order")
        #expect(try await store.unfinishedRecords(after: expected.last?.key, limit: 3).isEmpty)
    }
}
