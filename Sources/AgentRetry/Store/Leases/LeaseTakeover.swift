import Foundation

/// Whether an invocation may take a record's lease, from what the lease records and what the
/// taker observed of the holder's process: the SQLite store's rule for a holder that died (Store.md,
/// "A holder that died"), a pure function of its inputs so that every case is tested without
/// processes.
///
/// A lease that is free, the taker's own or expired is available. A live lease of another owner is
/// taken over at once only when its holder is provably dead: its recorded process ran on this
/// machine (same host name) and either the machine has booted since (another boot id), or, in the
/// same pid namespace, nothing has its process id any more, a zombie has it, or a process that
/// started at another time has it. Everything else is waited for: a holder on another host or in
/// another pid namespace (another container), a lease without a holder identity (taken by an older
/// AgentRetry, or where `/proc` could not be read), and a process table that could not be read.
package enum LeaseTakeover {
    /// What the taker may do.
    package enum Decision: Sendable, Hashable {
        /// The lease is free, the taker's, or expired: take it.
        case available
        /// The holder is provably dead: take the lease over now, before it expires.
        case holderDead(Death)
        /// The holder may be alive: wait, at most until the lease expires.
        case wait(Reason)

        /// Whether the taker takes the lease.
        package var takesLease: Bool {
            if case .wait = self { false } else { true }
        }
    }

    /// Why a holder is provably dead.
    package enum Death: String, Sendable, Hashable {
        /// Nothing has its process id.
        case noSuchProcess
        /// Its process has ended; only its parent has not reaped it yet.
        case processExited
        /// Its process id now belongs to a process that started at another time.
        case processReplaced
        /// Its machine has booted since (same host name, another boot id).
        case machineRebooted
    }

    /// Why a holder is waited for.
    package enum Reason: String, Sendable, Hashable {
        /// Its process is running.
        case holderRunning
        /// The lease records no holder process (or one recorded for another owner).
        case unknownHolder
        /// The holder runs on another host.
        case otherHost
        /// The holder runs in another pid namespace (another container) of this machine.
        case otherPidNamespace
        /// This process's identity, or the holder's entry in the process table, cannot be read.
        case livenessUnreadable
    }

    /// The process id to look up in this machine's process table before deciding on `record`'s
    /// lease: its holder's, when another owner holds it live and its process ran in this boot and pid
    /// namespace of this machine; else `nil`, and the decision needs no observation.
    package static func processToObserve(
        _ record: IdempotencyRecord,
        taker: String,
        here: ProcessIdentity?,
        now: Date
    ) -> Int? {
        guard !Self.isAvailable(record, to: taker, at: now), let holder = Self.holderProcess(of: record),
            let here, holder.host == here.host, holder.bootID == here.bootID, holder.pidNamespace == here.pidNamespace
        else { return nil }
        return holder.processID
    }

    /// The decision on `record`'s lease for `taker` at `now`, with `observed` what the process
    /// table had for the holder's id (``processToObserve(_:taker:here:now:)``), `nil` if not looked up.
    package static func decide(
        _ record: IdempotencyRecord,
        taker: String,
        here: ProcessIdentity?,
        observed: ProcessObservation?,
        now: Date
    ) -> Decision {
        if Self.isAvailable(record, to: taker, at: now) { return .available }
        guard let holder = Self.holderProcess(of: record) else { return .wait(.unknownHolder) }
        guard let here else { return .wait(.livenessUnreadable) }
        guard holder.host == here.host else { return .wait(.otherHost) }
        guard holder.bootID == here.bootID else { return .holderDead(.machineRebooted) }
        guard holder.pidNamespace == here.pidNamespace else { return .wait(.otherPidNamespace) }
        switch observed {
        case .absent: return .holderDead(.noSuchProcess)
        case .exited: return .holderDead(.processExited)
        case .running(let startTime) where startTime != holder.startTime: return .holderDead(.processReplaced)
        case .running: return .wait(.holderRunning)
        case .unknown, nil: return .wait(.livenessUnreadable)
        }
    }

    /// The lease is free, `owner`'s, or expired at `now` (the stores' compare-and-set rule).
    static func isAvailable(_ record: IdempotencyRecord, to owner: String, at now: Date) -> Bool {
        guard let holder = record.leaseOwner, holder != owner else { return true }
        return record.leaseExpiresAt.map { $0 <= now } ?? false
    }

    /// The process recorded for the record's current lease owner, if any.
    static func holderProcess(of record: IdempotencyRecord) -> ProcessIdentity? {
        guard let holder = record.leaseHolder, holder.owner == record.leaseOwner else { return nil }
        return holder.process
    }
}
