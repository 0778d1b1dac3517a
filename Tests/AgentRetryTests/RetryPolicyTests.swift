import AgentRetry
import Foundation
import Testing

@Suite("Retry policy: backoff, Retry-After and what is never re-sent")
struct RetryPolicyTests {
    /// A small seeded generator (SplitMix64), so draws are reproducible.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("Ceilings double from 0.5 s up to 8 s; full jitter stays within them")
    func backoff() {
        let policy = RetryPolicy.standard
        #expect(
            (1...7).map { policy.backoffCeiling(beforeRetry: $0) } == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8),
            ]
        )
        #expect(policy.backoffCeiling(beforeRetry: 10_000) == .seconds(8))
        // The jitter draw scales the ceiling: full jitter, the whole range from zero.
        var generator = Seeded(state: 7)
        let draws = (0..<2000).map { _ in
            Self.wait(
                policy.delay(
                    beforeRetry: 3,
                    serverDelay: nil,
                    elapsed: .zero,
                    jitter: Double.random(in: 0...1, using: &generator)
                )
            )
        }
        let waits = draws.compactMap { $0 }
        #expect(waits.count == draws.count && waits.allSatisfy { $0 >= .zero && $0 <= .seconds(2) })
        // Full jitter spreads over the whole range, not around the ceiling.
        #expect(waits.contains { $0 < .milliseconds(200) } && waits.contains { $0 > .milliseconds(1800) })
        #expect(Self.wait(policy.delay(beforeRetry: 3, serverDelay: nil, elapsed: .zero, jitter: 0)) == .zero)
        #expect(
            Self.wait(policy.delay(beforeRetry: 3, serverDelay: nil, elapsed: .zero, jitter: 0.25))
                == .milliseconds(500)
        )
        #expect(Self.wait(policy.delay(beforeRetry: 3, serverDelay: nil, elapsed: .zero, jitter: 1)) == .seconds(2))
    }

    private static func wait(_ delay: RetryDelay) -> Duration? {
        if case .wait(let duration) = delay { return duration }
        return nil
    }

    @Test("Invalid values are refused")
    func validation() {
        #expect(throws: RetryPolicyError.self) { try RetryPolicy(maximumAttempts: 0) }
        #expect(throws: RetryPolicyError.self) { try RetryPolicy(initialBackoff: .zero) }
        #expect(throws: RetryPolicyError.self) { try RetryPolicy(backoffMultiplier: 0.5) }
        #expect(throws: RetryPolicyError.self) {
            try RetryPolicy(initialBackoff: .seconds(2), maximumBackoff: .seconds(1))
        }
        #expect(throws: RetryPolicyError.self) { try RetryPolicy(deadline: .zero) }
    }

    @Test("Retry-After as seconds and as each HTTP-date form")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.delay(from: "120", now: now) == .seconds(120))
        #expect(RetryAfter.delay(from: "Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.delay(from: "Sunday, 06-Nov-94 08:50:37 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.delay(from: "Sun Nov  6 08:49:47 1994", now: now) == .seconds(10))
        #expect(RetryAfter.delay(from: "Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.delay(from: "soon", now: now) == nil)
        #expect(RetryAfter.delay(from: "-5", now: now) == nil)
    }

    @Test(
        "Verdicts: conflicts by their code, never re-sent; 408, 429 and 5xx are retried; other 4xx, 409 and 422 fail",
        arguments: [
            (200, nil, nil, AttemptVerdict.succeeded),
            (201, nil, nil, .succeeded),
            (409, "2", nil, .conflict(.inFlight(retryAfter: .seconds(2)))),
            (409, nil, #"{"code": "idempotency_in_flight"}"#, .conflict(.inFlight(retryAfter: nil))),
            (409, nil, #"{"detail": {"code": "request_not_idempotent"}}"#, .conflict(.payloadMismatch)),
            (409, nil, #"{"detail": {"code": "out_of_stock"}}"#, .failed),
            (409, nil, #"{"type": "request_not_idempotent", "code": "reused"}"#, .conflict(.payloadMismatch)),
            (422, "5", #"{"type": "invalid_request", "code": "idempotency_conflict"}"#, .conflict(.payloadMismatch)),
            (422, nil, #"{"detail": [{"type": "missing", "loc": ["body", "items"], "msg": "x"}]}"#, .failed),
            (422, nil, nil, .failed),
            (400, nil, #"{"error": {"type": "idempotency_error"}}"#, .conflict(.payloadMismatch)),
            (400, nil, #"{"error": {"type": "invalid_request_error"}}"#, .failed),
            (402, nil, nil, .failed),
            (404, nil, nil, .failed),
            (501, nil, nil, .failed),
            (408, nil, nil, .retry(.requestTimeout, serverDelay: nil)),
            (429, "3", nil, .retry(.rateLimited, serverDelay: .seconds(3))),
            (500, nil, nil, .retry(.serverError, serverDelay: nil)),
            (503, "1", nil, .retry(.serverError, serverDelay: .seconds(1))),
        ] as [(Int, String?, String?, AttemptVerdict)]
    )
    func verdicts(status: Int, retryAfter: String?, body: String?, expected: AttemptVerdict) {
        var headers = HTTPHeaders()
        if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
        let response = HTTPResponse(status: status, headers: headers, body: Array((body ?? "").utf8))
        #expect(RetryPolicy.standard.verdict(for: response, profile: .stripe, now: Date()) == expected)
    }

    @Test("Stripe-Should-Retry: false stops a retry; true keeps a 409 lock_timeout resumable, never re-sent")
    func stripeShouldRetry() {
        let response = HTTPResponse(status: 500, headers: ["Stripe-Should-Retry": "false"])
        #expect(RetryPolicy.standard.verdict(for: response, profile: .stripe, now: Date()) == .failed)
        let lockTimeout = HTTPResponse(
            status: 409,
            headers: ["Stripe-Should-Retry": "true", "Retry-After": "1"],
            body: Array(#"{"error": {"type": "invalid_request_error", "code": "lock_timeout"}}"#.utf8)
        )
        #expect(
            RetryPolicy.standard.verdict(for: lockTimeout, profile: .stripe, now: Date())
                == .conflict(.inFlight(retryAfter: .seconds(1)))
        )
        let marked = HTTPResponse(status: 400, headers: ["Stripe-Should-Retry": "true"])
        #expect(
            RetryPolicy.standard.verdict(for: marked, profile: .stripe, now: Date())
                == .retry(.pspSaysRetry, serverDelay: nil)
        )
        let plain = HTTPResponse(status: 409, headers: [:], body: lockTimeout.body)
        #expect(RetryPolicy.standard.verdict(for: plain, profile: .stripe, now: Date()) == .failed)
    }

    @Test("PSP profiles are data, and the client's retention is shorter than the PSP's")
    func profiles() {
        #expect(PSPProfile.builtIn.count == 4)
        #expect(PSPProfile.adyen.maximumKeyLength == 64)
        #expect(PSPProfile.paypal.headerName == "PayPal-Request-Id")
        for profile in PSPProfile.builtIn.values {
            #expect(profile.clientRetention < profile.retention)
            #expect(profile.keyFormat.length <= profile.maximumKeyLength)
        }
    }
}
