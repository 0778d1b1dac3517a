import AgentRetry
import AgentRetryTesting
import Foundation
import Testing

/// The SQLite store's rule for a lease whose holder may have died, as the pure function it is:
/// the lease and its recorded holder, what the process table showed, and the time, to a decision.
@Suite("Taking over a dead holder's lease: the decision")
struct LeaseTakeoverTests {
    static let holder = ProcessIdentity(host: "h", bootID: "b", pidNamespace: "n", processID: 42, startTime: 100)
    static let here = ProcessIdentity(host: "h", bootID: "b", pidNamespace: "n", processID: 7, startTime: 5)

    /// A record whose lease `owner` holds until a minute after `epoch`, recorded with `process`.
    static func leased(
        owner: String? = "holder",
        recordedFor recordedOwner: String = "holder",
        process: ProcessIdentity? = Self.holder,
        session: Int? = nil
    ) -> IdempotencyRecord {
        var record = makeRecord(state: .inFlight)
        record.leaseOwner = owner
        record.leaseExpiresAt = owner == nil ? nil : epoch + 60
        record.leaseHolder = LeaseHolder(owner: recordedOwner, process: process, session: session)
        return record
    }

    static func with(_ change: (inout ProcessIdentity) -> Void) -> ProcessIdentity {
        var identity = Self.holder
        change(&identity)
        return identity
    }

    /// One case: the lease, the taker's identity, what the table showed, and the expected decision.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let record: IdempotencyRecord
        var taker = "taker"
        var here: ProcessIdentity? = LeaseTakeoverTests.here
        var observed: ProcessObservation?
        var now = epoch + 1
        let expected: LeaseTakeover.Decision
        let looksUp: Int?

        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(name: "free", record: Self.leased(owner: nil), expected: .available, looksUp: nil),
        Case(name: "the taker's own", record: Self.leased(), taker: "holder", expected: .available, looksUp: nil),
        Case(
            name: "expired at the instant",
            record: Self.leased(),
            now: epoch + 60,
            expected: .available,
            looksUp: nil
        ),
        Case(
            name: "holder running",
            record: Self.leased(),
            observed: .running(startTime: 100),
            expected: .wait(.holderRunning),
            looksUp: 42
        ),
        Case(
            name: "no such process",
            record: Self.leased(),
            observed: .absent,
            expected: .holderDead(.noSuchProcess),
            looksUp: 42
        ),
        Case(
            name: "a zombie",
            record: Self.leased(),
            observed: .exited,
            expected: .holderDead(.processExited),
            looksUp: 42
        ),
        Case(
            name: "pid reused by a later process",
            record: Self.leased(),
            observed: .running(startTime: 101),
            expected: .holderDead(.processReplaced),
            looksUp: 42
        ),
        Case(
            name: "process table unreadable",
            record: Self.leased(),
            observed: .unknown,
            expected: .wait(.livenessUnreadable),
            looksUp: 42
        ),
        Case(
            name: "not looked up",
            record: Self.leased(),
            expected: .wait(.livenessUnreadable),
            looksUp: 42
        ),
        Case(
            name: "own identity unreadable",
            record: Self.leased(),
            here: nil,
            observed: .absent,
            expected: .wait(.livenessUnreadable),
            looksUp: nil
        ),
        Case(
            name: "another host",
            record: Self.leased(process: Self.with { $0.host = "elsewhere" }),
            observed: .absent,
            expected: .wait(.otherHost),
            looksUp: nil
        ),
        Case(
            name: "this host rebooted",
            record: Self.leased(process: Self.with { $0.bootID = "earlier-boot" }),
            expected: .holderDead(.machineRebooted),
            looksUp: nil
        ),
        Case(
            name: "another pid namespace (container)",
            record: Self.leased(process: Self.with { $0.pidNamespace = "pid:[1]" }),
            observed: .absent,
            expected: .wait(.otherPidNamespace),
            looksUp: nil
        ),
        Case(
            name: "no holder recorded",
            record: {
                var record = Self.leased()
                record.leaseHolder = nil
                return record
            }(),
            observed: .absent,
            expected: .wait(.unknownHolder),
            looksUp: nil
        ),
        Case(
            name: "holder recorded for another owner (an older version took the lease over)",
            record: Self.leased(recordedFor: "previous"),
            observed: .absent,
            expected: .wait(.unknownHolder),
            looksUp: nil
        ),
        Case(
            name: "a session without a process (PostgreSQL decides in SQL)",
            record: Self.leased(process: nil, session: 9),
            observed: .absent,
            expected: .wait(.unknownHolder),
            looksUp: nil
        ),
    ]

    @Test("Each case decides as the rule says, and looks up only a holder of this boot and namespace", arguments: cases)
    func decides(_ example: Case) {
        let decision = LeaseTakeover.decide(
            example.record,
            taker: example.taker,
            here: example.here,
            observed: example.observed,
            now: example.now
        )
        #expect(decision == example.expected)
        let waits = if case .wait = example.expected { true } else { false }
        #expect(decision.takesLease == !waits)
        let lookUp = LeaseTakeover.processToObserve(
            example.record,
            taker: example.taker,
            here: example.here,
            now: example.now
        )
        #expect(lookUp == example.looksUp)
    }
}
