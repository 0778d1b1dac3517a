import AgentRetry
import Foundation

/// Saved idempotency results, keyed by scope (caller identity, key and, for ACP, method and path).
struct IdempotencyRecords {
    /// What two requests under one key are compared by.
    enum Fingerprint: Hashable {
        /// Stripe: the endpoint and the decoded form parameters, sorted.
        case form(endpoint: String, parameters: [String])
        /// ACP: the JSON body, compared by meaning.
        case json(JSONValue)
    }

    /// The outcome of presenting a key.
    enum Claim {
        /// The key is new (or expired): the request proceeds and the key is now in flight.
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
        var createdAt: Date
        var response: MockResponse?
    }

    private var records: [String: Record] = [:]

    mutating func claim(scope: String, fingerprint: Fingerprint, now: Date, retention: Duration) -> Claim {
        if let record = self.records[scope], now.timeIntervalSince(record.createdAt) >= retention.seconds {
            self.records[scope] = nil
        }
        guard let record = self.records[scope] else {
            self.records[scope] = Record(fingerprint: fingerprint, createdAt: now, response: nil)
            return .proceed
        }
        guard record.fingerprint == fingerprint else { return .mismatch }
        guard let response = record.response else { return .inFlight }
        return .replay(response)
    }

    /// Saves the response of a claimed key, or forgets the key when the response is not to be kept.
    mutating func finish(scope: String, response: MockResponse, keep: Bool) {
        if keep {
            self.records[scope]?.response = response
        } else {
            self.records[scope] = nil
        }
    }

    mutating func removeAll() {
        self.records.removeAll()
    }
}

extension Duration {
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
