import AgentRetry
import Foundation
import Testing

@Suite("Safe reads and polls: the same verdicts and Retry-After rule, no I/O")
struct SafeReadDeciderTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = try! RetryPolicy(maximumAttempts: 3, deadline: .seconds(30), retryAfterCap: .seconds(10))

    static func response(_ status: Int, _ headers: HTTPHeaders = [:]) -> Result<HTTPResponse, HTTPTransportError> {
        .success(HTTPResponse(status: status, headers: headers))
    }

    static func failure(
        _ failureClass: FailureClass,
        _ code: HTTPTransportError.Code = .curl(.couldntConnect)
    )
        -> Result<HTTPResponse, HTTPTransportError>
    {
        .failure(
            HTTPTransportError(
                code: code,
                failureClass: failureClass,
                message: "test",
                method: .get,
                url: "http://127.0.0.1/"
            )
        )
    }

    static func first(
        _ result: Result<HTTPResponse, HTTPTransportError>,
        jitter: Double = 1,
        after: Double = 1
    )
        -> SafeReadDecider.Step
    {
        var decider = SafeReadDecider(policy: Self.policy, startedAt: Self.start)
        return decider.received(result, now: Self.start + after, jitter: jitter)
    }

    @Test("Any answer that is not retryable is the read's answer, 404 and 409 included")
    func answers() {
        for status in [200, 404, 409, 422, 402] {
            #expect(Self.first(Self.response(status)) == .finish(HTTPResponse(status: status)))
        }
    }

    @Test("Retryable answers and lost connections wait: the jitter draw on the ceiling, or exactly Retry-After")
    func waits() {
        #expect(Self.first(Self.response(503), jitter: 0.5) == .sleep(.milliseconds(250)))
        #expect(Self.first(Self.failure(.mayHaveBeenProcessed), jitter: 1) == .sleep(.milliseconds(500)))
        #expect(Self.first(Self.response(429, ["Retry-After": "3"])) == .sleep(.seconds(3)))
    }

    @Test("Definitive failures and cancellation end at once; a Retry-After beyond the cap, or no time left, fails")
    func givesUp() {
        #expect(Self.first(Self.failure(.definitive)) == .fail(.definitive(.curl(.couldntConnect))))
        #expect(Self.first(Self.failure(.notSent, .cancelled)) == .fail(.definitive(.cancelled)))
        #expect(Self.first(Self.response(503, ["Retry-After": "11"])) == .fail(.exhausted))
        #expect(Self.first(Self.response(503), jitter: 1, after: 29.9) == .fail(.exhausted))
    }

    @Test("Out of attempts with a 503 still coming: the read failed, the 503 is not handed back as an answer")
    func outOfAttempts() {
        var decider = SafeReadDecider(policy: Self.policy, startedAt: Self.start)
        #expect(decider.received(Self.response(503), now: Self.start, jitter: 0) == .sleep(.zero))
        #expect(decider.received(Self.response(503), now: Self.start, jitter: 0) == .sleep(.zero))
        #expect(decider.received(Self.response(503), now: Self.start, jitter: 0) == .fail(.exhausted))
        #expect(decider.sends == 3)
    }

    @Test("Polls: the interval doubles up to its ceiling, and no wait ends past the deadline")
    func pollSchedule() {
        var schedule = PollSchedule(interval: .milliseconds(500), deadline: Self.start + 6)
        let waits = (0..<5).map { _ in schedule.delayBeforeNextRead(now: Self.start) }
        #expect(waits == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2)])
        var late = PollSchedule(interval: .seconds(1), deadline: Self.start + 6)
        #expect(late.delayBeforeNextRead(now: Self.start + 5.5) == nil)
        var long = PollSchedule(interval: .seconds(5), deadline: Self.start + 60)
        let longWaits = (0..<3).map { _ in long.delayBeforeNextRead(now: Self.start) }
        #expect(longWaits == [.seconds(5), .seconds(2), .seconds(2)])
    }
}
