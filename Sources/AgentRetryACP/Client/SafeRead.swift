import AgentRetry
import Foundation

/// GETs retried like the safe requests they are: after any transport failure, a 408, a 429 or a
/// 5xx, with the client's backoff and Retry-After, within its policy's attempts and deadline.
struct SafeRead: Sendable {
    let client: IdempotentClient

    func get(_ url: String, headers: HTTPHeaders) async throws(ACPClientError) -> HTTPResponse {
        let policy = self.client.configuration.policy
        let environment = self.client.environment
        let started = environment.now()
        var lastFailure = "no attempt was made"
        var lastError: (any Error)?
        for attempt in 1...policy.maximumAttempts {
            var serverDelay: Duration?
            do {
                let response = try await self.client.transport.execute(HTTPRequest(method: .get, url: url, headers: headers))
                guard [408, 429, 500, 502, 503, 504].contains(response.status) else { return response }
                lastFailure = "the merchant answered \(response.status)"
                serverDelay = response.headers.first(name: "Retry-After").flatMap { RetryAfter.delay(from: $0, now: environment.now()) }
                if attempt == policy.maximumAttempts { return response }
            } catch where error.code == .cancelled || error.failureClass == .definitive {
                // Cancellation, a bad URL, failed TLS verification, a body over the cap: retrying cannot help.
                throw ACPClientError(code: .unreachable, message: "GET failed: \(error)", underlying: error)
            } catch {
                lastFailure = "\(error)"
                lastError = error
            }
            guard attempt < policy.maximumAttempts else { break }
            let delay = min(serverDelay ?? policy.backoffCeiling(beforeRetry: attempt) * environment.unitRandom(), policy.retryAfterCap)
            guard environment.now().timeIntervalSince(started) + delay.seconds < policy.deadline.seconds else { break }
            do {
                try await environment.sleep(for: delay)
            } catch {
                throw ACPClientError(code: .unreachable, message: "cancelled while waiting to retry a GET", underlying: error)
            }
        }
        throw ACPClientError(code: .unreachable, message: "GET failed after its retries: \(lastFailure)", underlying: lastError)
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
