import Foundation

extension RetryDecider {
    /// What the client does next. The client performs it and reports back; nothing else decides.
    package enum Step: Sendable {
        /// Wait for the intent's lease (another invocation holds it), then report ``RetryDecider/leased(_:now:)``.
        case acquireLease
        /// Write the record (it carries the attempt, in flight) under the lease, then send the
        /// request and report ``RetryDecider/received(_:now:jitter:)``.
        case send(IdempotencyRecord)
        /// Sleep, then report ``RetryDecider/slept(now:)``, or ``RetryDecider/sleepCancelled(now:)``.
        case sleep(Duration, reason: RetryReason)
        /// The outcome is unknown and must be read, never re-sent: write `persist` under the lease
        /// when given, run the caller's lookup, and report ``RetryDecider/lookedUp(_:now:)``.
        case lookUp(persist: IdempotencyRecord?)
        /// The call is over.
        case end(Ending)
    }

    /// How a call ends: its last write, which alone gives the lease up, and what the caller gets.
    package struct Ending: Sendable {
        /// The call's last store write.
        package enum Write: Sendable {
            /// Write the record and give the lease up, in one commit.
            case finish(IdempotencyRecord)
            /// Give the lease up; nothing else changed.
            case releaseLease
            /// Nothing: no lease is held.
            case none
        }

        /// The last write.
        package var write: Write
        /// The result or the error the call ends with.
        package var result: Result<IdempotentResult, IdempotentCallError>
    }

    /// Why the outcome has to be looked up rather than sent.
    package enum LookupReason: Sendable, Hashable {
        /// The record's outcome is unknown and the PSP's key retention has passed.
        case retentionPassed
        /// The PSP saved a server error under the key and replays it to every re-send.
        case replayedServerError(status: Int)
        /// The server answered with a status that is not a success and a body over the transport's
        /// limit (`nil`: the status was not read).
        case oversizedAnswer(status: Int?)
    }

    /// What the caller's lookup found.
    package enum LookupResult: Sendable {
        /// The response that proves the outcome.
        case found(HTTPResponse)
        /// Nothing: the outcome is still unknown.
        case nothing
        /// The lookup itself failed (the PSP unreachable, say).
        case failed(String)
    }
}
