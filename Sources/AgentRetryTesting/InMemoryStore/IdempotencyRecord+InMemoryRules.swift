import AgentRetry
import Foundation

/// The rules the SQL stores write in `WHERE` clauses (`StoreSchema+Statements.swift`), for records
/// held in memory.
extension IdempotencyRecord {
    /// The lease is free, expired at `now`, or `owner`'s (an owner without an expiry holds it), or
    /// its holder is provably dead: the session recorded for the current owner is one of `endedSessions`.
    func leaseIsAvailable(to owner: String, at now: Date, endedSessions: Set<Int>) -> Bool {
        guard let holder = self.leaseOwner, holder != owner else { return true }
        if self.leaseExpiresAt.map({ $0 <= now }) ?? false { return true }
        guard let recorded = self.leaseHolder, recorded.owner == holder, let session = recorded.session else {
            return false
        }
        return endedSessions.contains(session)
    }

    /// Finished, its PSP retention over before `cutoff`, and no live lease at `now`.
    func isRemovable(expiredBefore cutoff: Date, at now: Date) -> Bool {
        guard self.state.isFinished, self.pspExpiresAt < cutoff else { return false }
        return self.leaseOwner == nil || self.leaseExpiresAt.map { $0 <= now } ?? false
    }
}

extension Sequence<IdempotencyRecord> {
    /// The newest record of an intent identity, in one of `states` if given: the newest created,
    /// then the greatest key (compared as bytes, as SQLite and PostgreSQL's C collation do).
    func latest(identity: String, in states: [IdempotencyRecord.State]? = nil) -> IdempotencyRecord? {
        self.filter { $0.intentFingerprint == identity && states?.contains($0.state) != false }.max { older, newer in
            if older.createdAt != newer.createdAt { return older.createdAt < newer.createdAt }
            return older.key.rawValue.utf8.lexicographicallyPrecedes(newer.key.rawValue.utf8)
        }
    }
}
