import Foundation
import GRDB

/// Leases whose holder died: the SQLite store records its process with each lease it takes or
/// renews, and takes another owner's live lease over when the process table proves that holder gone.
extension SQLiteIdempotencyStore {
    /// This process as the holder of `owner`'s lease.
    func holder(_ owner: String) -> LeaseHolder {
        LeaseHolder(owner: owner, process: self.processes.currentProcess)
    }

    /// Takes the lease of the record with `key` for `owner` inside the caller's write transaction:
    /// runs the compare-and-set `statement` (given the holder's operands, and a condition for a dead
    /// holder or `nil`); if another owner's live lease refused it, decides on that lease
    /// (``LeaseTakeover``) and, when its holder is provably dead, runs it again for that holder. The
    /// transaction holds SQLite's write lock, so nothing changes the row between the look and the take.
    /// - Returns: Whether the lease was taken.
    func takeLease(
        key: String,
        owner: String,
        now: Date,
        in db: Database,
        _ statement: (_ holder: [StoreStatement], _ holderGone: StoreStatement?) -> StoreStatement
    ) throws -> Bool {
        let holder = StoreSchema.holderOperands(self.holder(owner))
        if try Self.execute(statement(holder, nil), in: db) == 1 { return true }
        // Only a row this version reads can be taken over; any other keeps its refusal.
        let readable = Self.schema.selectRecord(key: "\(key)") + " AND \(StoreSchema.readable())"
        guard let record = (try? Self.fetchRecord(readable, in: db)) ?? nil, let dead = record.leaseOwner else {
            return false
        }
        let here = self.processes.currentProcess
        let observed = LeaseTakeover.processToObserve(record, taker: owner, here: here, now: now).map {
            self.processes.observe(processID: $0)
        }
        guard case .holderDead = LeaseTakeover.decide(record, taker: owner, here: here, observed: observed, now: now)
        else { return false }
        return try Self.execute(statement(holder, "lease_owner = \(dead)"), in: db) == 1
    }
}
