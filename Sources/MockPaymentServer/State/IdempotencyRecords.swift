import AgentRetry
import Foundation

/// Saved idempotency results, keyed by scope (caller identity, key and, for ACP, method and path).
struct IdempotencyRecords {
    /// Whose key it is: a structured key, so no choice of API key and idempotency key can
    /// collide with another's.
    struct Scope: Hashable {
        /// `stripe` or `acp`.
        let family: String
        /// The caller's API key.
        let caller: String
        /// For ACP, `POST /path`: ACP scopes keys to the endpoint; Stripe does not.
        let endpoint: String?
        /// The `Idempotency-Key`.
        let key: String
    }

    /// What two requests under one key are compared by.
    enum Fingerprint: Hashable {
        /// Stripe: the endpoint and the decoded form parameters, sorted.
        case form(endpoint: String, parameters: [String])
        /// ACP: the JSON body, compared by meaning.
        case json(JSONValue)
        /// A merchant that hashes the body as sent: the same JSON with members reordered differs.
        case raw([UInt8])
    }

    /// The outcome of presenting a key.
    enum Claim {
        /// The key is new (or its result expired): the request proceeds and the key is now in flight.
        case proceed
        /// A finished request with this key: its saved response.
        case replay(MockResponse)
        /// The key was used with another request.
        case mismatch
        /// The first request with this key is still being processed.
        case inFlight
    }

    private struct Record {
        var fingerprint: Fingerprint
        var response: MockResponse?
        /// When the result was saved; retention counts from here.
        var finishedAt: Date?
    }

    private var records: [Scope: Record] = [:]

    /// Keys claimed by a request that has not finished yet.
    var inFlightCount: Int {
        self.records.values.filter { $0.response == nil }.count
    }

    mutating func claim(scope: Scope, fingerprint: Fingerprint, now: Date, retention: Duration) -> Claim {
        // Only a finished result expires: a request still in flight keeps its key however long it takes.
        if let finishedAt = self.records[scope]?.finishedAt, now.timeIntervalSince(finishedAt) >= retention.seconds {
            self.records[scope] = nil
        }
        guard let record = self.records[scope] else {
            self.records[scope] = Record(fingerprint: fingerprint, response: nil, finishedAt: nil)
            return .proceed
        }
        guard record.fingerprint == fingerprint else { return .mismatch }
        guard let response = record.response else { return .inFlight }
        return .replay(response)
    }

    /// Saves the response of a claimed key, or frees the key when the response is not to be kept.
    mutating func finish(scope: Scope, response: MockResponse, keep: Bool, now: Date) {
        guard self.records[scope] != nil else { return }
        if keep {
            self.records[scope]?.response = response
            self.records[scope]?.finishedAt = now
        } else {
            self.records[scope] = nil
        }
    }
}

extension Duration {
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
