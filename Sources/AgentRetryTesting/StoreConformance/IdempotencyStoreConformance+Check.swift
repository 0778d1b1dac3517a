import Testing

extension IdempotencyStoreConformance {
    /// One check of the suite: a behaviour every store must have, run on a new store.
    public struct Check: Sendable, Hashable, CustomStringConvertible, CustomTestStringConvertible {
        enum Base: String, CaseIterable, Sendable {
            case roundTrip, insertRace, insertAndLeaseRace, identityRace, identityLookup, settingRace, concurrentOpening
            case leaseExpiryAndTakeover, firstWriteTakesExpiredLease, leaseRenewal, guardedTransitions
            case changedBodyTakesNoLease, releaseByHolderOnly, removeExpired, deadHolderTakeover, staleHolderIgnored
            case listUnfinished
            case inboxRoundTrip, inboxRecordOnce, inboxOrderForwardOnly, inboxClaimRace, inboxRedelivery
        }

        let base: Base

        /// Every check, in the order ``IdempotencyStoreConformance/runAll()`` runs them.
        public static var all: [Check] { Base.allCases.map(Check.init) }

        /// A record with a large binary body, headers and an anchor round-trips exactly.
        public static let roundTrip = Check(base: .roundTrip)
        /// Concurrent inserts of one key make one record.
        public static let insertRace = Check(base: .insertRace)
        /// Concurrent first writes of one intent: exactly one takes the lease.
        public static let insertAndLeaseRace = Check(base: .insertAndLeaseRace)
        /// Concurrent first writes of one intent under different keys make one record.
        public static let identityRace = Check(base: .identityRace)
        /// An intent's record is found under another key, finished ones only when adopting.
        public static let identityLookup = Check(base: .identityLookup)
        /// A setting is created once.
        public static let settingRace = Check(base: .settingRace)
        /// Eight connections opening the store at once share its records.
        public static let concurrentOpening = Check(base: .concurrentOpening)
        /// A live lease keeps others out; an expired one is taken over, and its old holder's writes fail.
        public static let leaseExpiryAndTakeover = Check(base: .leaseExpiryAndTakeover)
        /// A first write takes an expired lease over at the instant it expires.
        public static let firstWriteTakesExpiredLease = Check(base: .firstWriteTakesExpiredLease)
        /// A write renews the lease; a write after the lease ran out is refused.
        public static let leaseRenewal = Check(base: .leaseRenewal)
        /// Of owners finishing one record at once, only the lease holder's write lands.
        public static let guardedTransitions = Check(base: .guardedTransitions)
        /// A first write with another request body takes no lease.
        public static let changedBodyTakesNoLease = Check(base: .changedBodyTakesNoLease)
        /// Only the holder gives a lease up.
        public static let releaseByHolderOnly = Check(base: .releaseByHolderOnly)
        /// Removing expired records takes finished ones past the cutoff only.
        public static let removeExpired = Check(base: .removeExpired)
        /// A live holder's lease is waited for; once its process is killed, it is taken over at once.
        public static let deadHolderTakeover = Check(base: .deadHolderTakeover)
        /// A holder identity recorded for another owner than the lease's says nothing: the lease is
        /// waited for.
        public static let staleHolderIgnored = Check(base: .staleHolderIgnored)

        /// Listing unfinished records pages through every unfinished one in key order, no finished one.
        public static let listUnfinished = Check(base: .listUnfinished)

        /// An inbox event's fields and exact body bytes round-trip; queries by task, order and session.
        public static let inboxRoundTrip = Check(base: .inboxRoundTrip)
        /// Concurrent records of one event: one is new, the inbox holds it once.
        public static let inboxRecordOnce = Check(base: .inboxRecordOnce)
        /// An order's state moves forward by rank only, never back for a late older event.
        public static let inboxOrderForwardOnly = Check(base: .inboxOrderForwardOnly)
        /// Concurrent claims by many owners hand each event to a consumer once.
        public static let inboxClaimRace = Check(base: .inboxClaimRace)
        /// An expired or retried claim is handed out again with a higher attempt; a completed one never.
        public static let inboxRedelivery = Check(base: .inboxRedelivery)

        /// The check's name, such as `insertAndLeaseRace`.
        public var name: String { self.base.rawValue }

        /// What the check asserts, in a sentence.
        public var description: String {
            switch self.base {
            case .roundTrip:
                "An outcome with a large binary body, headers and an anchor round-trips exactly, "
                    + "also through another connection"
            case .insertRace:
                "Forty concurrent inserts of one key from two connections: one record, every caller gets it"
            case .insertAndLeaseRace:
                "Forty concurrent first writes of one intent from two connections: exactly one takes the lease"
            case .identityRace:
                "Concurrent first writes of one intent under different keys (different secrets) create one record"
            case .identityLookup:
                "An intent's record is found under another key: unfinished ones always, "
                    + "finished ones only when adopting"
            case .settingRace:
                "A setting is created once: sixteen concurrent askers on two connections all get the first value"
            case .concurrentOpening: "Eight connections opening a new store at once all succeed and share its records"
            case .leaseExpiryAndTakeover:
                "A live lease keeps others out; once it expires another owner takes over, "
                    + "and the old holder's writes fail"
            case .firstWriteTakesExpiredLease:
                "A first write takes an expired lease over at the instant it expires, "
                    + "also on an intent's record under another key"
            case .leaseRenewal:
                "A write renews the lease to the record's expiry; a write after the lease ran out is refused"
            case .guardedTransitions:
                "Twenty owners finish one record at once from two connections: only the lease holder's write lands"
            case .changedBodyTakesNoLease: "A first write with another request body finds the record but takes no lease"
            case .releaseByHolderOnly: "Only the holder gives a lease up"
            case .removeExpired:
                "Removing expired records takes finished ones past the cutoff only: "
                    + "never unfinished, leased or newer ones"
            case .deadHolderTakeover:
                "A live holder's lease keeps others out; once its process is killed, the first write and "
                    + "a lease request take it over long before it expires"
            case .staleHolderIgnored:
                "A lease whose recorded holder is a dead process of another owner (an older version's "
                    + "takeover) is waited for until it expires"
            case .listUnfinished:
                "Listing unfinished records pages through every prepared, in-flight and pending one in key "
                    + "order, leased ones included, and no finished one"
            case .inboxRoundTrip:
                "A webhook event's fields and exact body bytes round-trip, found by task, order and session"
            case .inboxRecordOnce:
                "Thirty concurrent records of one webhook event from two connections: exactly one is new"
            case .inboxOrderForwardOnly:
                "An order's state moves forward by rank only: a late older event does not move it back"
            case .inboxClaimRace:
                "Twelve owners on two connections claim at once: each event goes to a consumer exactly once, "
                    + "and each consumer gets every event"
            case .inboxRedelivery:
                "An expired or retried claim is handed out again with a higher attempt; a completed one never"
            }
        }

        /// The check's name and what it asserts, as Swift Testing shows an argument.
        public var testDescription: String { "\(self.name): \(self.description)" }

        /// Runs the check on `subject`.
        func run(on subject: Subject) async throws {
            switch self.base {
            case .roundTrip: try await Self.checkRoundTrip(subject)
            case .insertRace: try await Self.checkInsertRace(subject)
            case .insertAndLeaseRace: try await Self.checkInsertAndLeaseRace(subject)
            case .identityRace: try await Self.checkIdentityRace(subject)
            case .identityLookup: try await Self.checkIdentityLookup(subject)
            case .settingRace: try await Self.checkSettingRace(subject)
            case .concurrentOpening: try await Self.checkConcurrentOpening(subject)
            case .leaseExpiryAndTakeover: try await Self.checkLeaseExpiryAndTakeover(subject)
            case .firstWriteTakesExpiredLease: try await Self.checkFirstWriteTakesExpiredLease(subject)
            case .leaseRenewal: try await Self.checkLeaseRenewal(subject)
            case .guardedTransitions: try await Self.checkGuardedTransitions(subject)
            case .changedBodyTakesNoLease: try await Self.checkChangedBodyTakesNoLease(subject)
            case .releaseByHolderOnly: try await Self.checkReleaseByHolderOnly(subject)
            case .removeExpired: try await Self.checkRemoveExpired(subject)
            case .deadHolderTakeover: try await Self.checkDeadHolderTakeover(subject)
            case .staleHolderIgnored: try await Self.checkStaleHolderIgnored(subject)
            case .listUnfinished: try await Self.checkListUnfinished(subject)
            case .inboxRoundTrip: try await Self.checkInboxRoundTrip(subject)
            case .inboxRecordOnce: try await Self.checkInboxRecordOnce(subject)
            case .inboxOrderForwardOnly: try await Self.checkInboxOrderForwardOnly(subject)
            case .inboxClaimRace: try await Self.checkInboxClaimRace(subject)
            case .inboxRedelivery: try await Self.checkInboxRedelivery(subject)
            }
        }
    }
}
