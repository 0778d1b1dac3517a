import Foundation

/// What one attempt's outcome means for the call: done, re-send, or stop.
public enum AttemptVerdict: Sendable, Hashable {
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

/// Why an attempt is worth repeating.
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
    /// The verdict on a response.
    ///
    /// | response | verdict |
    /// |---|---|
    /// | 2xx | succeeded |
    /// | 409 | conflict: in flight (with its `Retry-After`) |
    /// | 422, or 400 with error type `idempotency_error` | conflict: payload mismatch |
    /// | 408, 429, 500, 502, 503, 504 | retry, honouring `Retry-After`; but `Stripe-Should-Retry: false` makes it failed |
    /// | any other status (other 4xx, 501, 505, ...) | failed |
    public func verdict(for response: HTTPResponse, now: Date) -> AttemptVerdict {
        let status = response.status
        let serverDelay = response.headers.first(name: "Retry-After").flatMap { RetryAfter.delay(from: $0, now: now) }
        switch status {
        case 200..<300:
            return .succeeded
        case 409:
            return .conflict(.inFlight(retryAfter: serverDelay))
        case 422:
            return .conflict(.payloadMismatch)
        case 400 where Self.isStripeIdempotencyError(response.body):
            return .conflict(.payloadMismatch)
        case 408, 429, 500, 502, 503, 504:
            if response.headers.first(name: "Stripe-Should-Retry")?.lowercased() == "false" { return .failed }
            let reason: RetryReason = status == 408 ? .requestTimeout : status == 429 ? .rateLimited : .serverError
            return .retry(reason, serverDelay: serverDelay)
        default:
            return .failed
        }
    }

    /// The verdict on a transport failure: re-sent unless definitive.
    public func verdict(for error: HTTPTransportError) -> AttemptVerdict {
        switch error.failureClass {
        case .notSent: .retry(.notSent, serverDelay: nil)
        case .mayHaveBeenProcessed: .retry(.mayHaveBeenProcessed, serverDelay: nil)
        case .definitive: .failed
        }
    }

    private static func isStripeIdempotencyError(_ body: [UInt8]) -> Bool {
        (try? JSONValue(parsing: body))?["error"]?["type"]?.stringValue == "idempotency_error"
    }
}
