import AgentRetry
import Foundation
import Testing

/// A fixed instant with a fractional part, so round-trips of dates are checked to the bit.
package let epoch = Date(timeIntervalSince1970: 1_800_000_000.123456)

/// A new, unleased record in `state`, created at `createdAt`, with its own key and identity unless given.
package func makeRecord(
    key: String = "key-\(UUID().uuidString)",
    identity: String = "intent-\(UUID().uuidString)",
    state: IdempotencyRecord.State = .prepared,
    createdAt: Date = epoch,
    body: String = "amount=1000&currency=usd",
    outcome: IdempotencyRecord.Outcome? = nil
) -> IdempotencyRecord {
    IdempotencyRecord(
        key: IdempotencyKey(rawValue: key),
        namespace: "conformance",
        operation: "payment_intent.create",
        intentFingerprint: identity,
        requestFingerprint: RequestFingerprint.form(body),
        profile: "stripe",
        state: state,
        attempts: state == .prepared ? 0 : 1,
        createdAt: createdAt,
        updatedAt: createdAt,
        clientExpiresAt: createdAt + 3600,
        pspExpiresAt: createdAt + 86_400,
        outcome: outcome
    )
}

/// Runs `count` copies of `body` at once and collects their results.
package func concurrently<T: Sendable>(
    _ count: Int,
    _ body: @escaping @Sendable (Int) async throws -> T
) async throws -> [T] {
    try await withThrowingTaskGroup(of: T.self) { group in
        for index in 0..<count { group.addTask { try await body(index) } }
        var results: [T] = []
        for try await result in group { results.append(result) }
        return results
    }
}

/// The typed store error `body` throws, or `nil` if it throws none (any other error is an issue).
package func storeError(_ body: () async throws -> Void) async -> IdempotencyStoreError? {
    do {
        try await body()
        return nil
    } catch let error as IdempotencyStoreError {
        return error
    } catch {
        Issue.record("not a store error: \(error)")
        return nil
    }
}

/// 3 MiB in which every byte value occurs, NUL included.
package func largeBody() -> [UInt8] {
    var body = [UInt8](repeating: 0, count: 3 << 20)
    for index in body.indices { body[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 8) }
    return body
}
