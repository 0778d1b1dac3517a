import Foundation

/// What one attempt's outcome means for the call: done, re-send, or stop.
package enum AttemptVerdict: Sendable, Hashable {
    /// A 2xx response.
    case succeeded
    /// A definitive failure that a re-send cannot change: a 4xx other than the conflicts (402 card
    /// declined, 404, ...), 501, a `Stripe-Should-Retry: false` error, or a definitive transport error.
    case failed
    /// Worth sending again with the same key, after the server's delay when it gave one.
    case retry(RetryReason, serverDelay: Duration?)
    /// An idempotency conflict: never re-sent, whatever any header says.
    case conflict(IdempotencyConflict)
}

/// Why an attempt is worth repeating: the `reason` dimension of `agentretry_client_retries_total`.
public enum RetryReason: String, Sendable, Hashable, CaseIterable {
    /// The transport proved nothing reached the server.
    case notSent
    /// The request may have been processed; the same key makes a re-send safe.
    case mayHaveBeenProcessed
    /// 408 Request Timeout.
    case requestTimeout
    /// 429 Too Many Requests.
    case rateLimited
    /// 500, 502, 503 or 504.
    case serverError
    /// Another status the PSP marked `Stripe-Should-Retry: true` (never a 409 or 422).
    case pspSaysRetry
}

/// Which idempotency conflict the server reported.
public enum IdempotencyConflict: Sendable, Hashable {
    /// The key was used with another request (422, or Stripe's 400 `idempotency_error`): permanent.
    case payloadMismatch
    /// The first request with this key is still being processed (409); the record stays resumable,
    /// and a later call will get the replay.
    case inFlight(retryAfter: Duration?)
}

extension RetryPolicy {
    /// The statuses worth sending again with the same key, and why: the only such list.
    static let retryableStatuses: [Int: RetryReason] = [
        408: .requestTimeout, 429: .rateLimited, 500: .serverError, 502: .serverError, 503: .serverError,
        504: .serverError,
    ]

    /// The verdict on a response.
    ///
    /// The verdict for each response:
    ///
    /// - 2xx: succeeded.
    /// - What the profile's ``PSPProfile/conflictReader`` calls a conflict (by default: 409 in flight, 422 and
    ///   Stripe's 400 `idempotency_error` a payload mismatch): conflict, with the response's `Retry-After`.
    /// - 408, 429, 500, 502, 503, 504: retry, honouring `Retry-After`; but `Stripe-Should-Retry: false` makes
    ///   it failed.
    /// - Any other status marked `Stripe-Should-Retry: true`: retry; but a 409 or 422 (Stripe's 409
    ///   `lock_timeout`) is never re-sent: in flight, resumable by a later call.
    /// - Any other status (other 4xx, 501, 505, ...): failed.
    package func verdict(for response: HTTPResponse, profile: PSPProfile, now: Date) -> AttemptVerdict {
        let serverDelay = response.headers.first(name: "Retry-After").flatMap { RetryAfter.delay(from: $0, now: now) }
        if (200..<300).contains(response.status) { return .succeeded }
        switch profile.conflictReader.conflict(in: response) {
        case .payloadMismatch: return .conflict(.payloadMismatch)
        case .inFlight(let retryAfter): return .conflict(.inFlight(retryAfter: retryAfter ?? serverDelay))
        case nil: break
        }
        let shouldRetry = response.headers.first(name: "Stripe-Should-Retry")?.lowercased()
        guard let reason = Self.retryableStatuses[response.status] else {
            guard shouldRetry == "true" else { return .failed }
            // A 409 or 422 is never re-sent, even when the PSP says it may be (Stripe's 409
            // `lock_timeout`): the record stays resumable, as for a request still in flight.
            if response.status == 409 || response.status == 422 { return .conflict(.inFlight(retryAfter: serverDelay)) }
            return .retry(.pspSaysRetry, serverDelay: serverDelay)
        }
        if shouldRetry == "false" { return .failed }
        return .retry(reason, serverDelay: serverDelay)
    }

    /// The verdict on a transport failure: re-sent unless definitive.
    package func verdict(for error: HTTPTransportError) -> AttemptVerdict {
        switch error.failureClass {
        case .notSent: .retry(.notSent, serverDelay: nil)
        case .mayHaveBeenProcessed: .retry(.mayHaveBeenProcessed, serverDelay: nil)
        case .definitive: .failed
        }
    }
}
