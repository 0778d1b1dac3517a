import AgentRetry
import Foundation

/// GETs retried like the safe requests they are, as ``SafeReadDecider`` decides: after any
/// transport failure that is not definitive, a 408, a 429 or a 5xx, with the client's backoff and
/// Retry-After, within its policy's attempts and deadline.
struct SafeRead: Sendable {
    let client: IdempotentClient

    func get(_ url: String, headers: HTTPHeaders) async throws(ACPClientError) -> HTTPResponse {
        let environment = self.client.environment
        let request = HTTPRequest(method: .get, url: url, headers: headers)
        var decider = SafeReadDecider(policy: self.client.configuration.policy, startedAt: environment.now())
        var lastError: HTTPTransportError?
        var lastFailure = "no attempt was made"
        while true {
            let result: Result<HTTPResponse, HTTPTransportError>
            do {
                let response = try await self.client.transport.execute(request, logger: nil)
                lastFailure = "the merchant answered \(response.status)"
                result = .success(response)
            } catch {
                lastError = error
                lastFailure = "\(error)"
                result = .failure(error)
            }
            switch decider.received(result, now: environment.now(), jitter: environment.unitRandom()) {
            case .finish(let response):
                return response
            case .fail(.definitive):
                // Cancellation, a bad URL, failed TLS verification, a body over the cap.
                throw ACPClientError(
                    code: .unreachable,
                    message: "GET failed: \(lastError.map { "\($0)" } ?? "")",
                    underlying: lastError
                )
            case .fail(.exhausted):
                throw ACPClientError(
                    code: .unreachable,
                    message: "GET failed after its retries: \(lastFailure)",
                    underlying: lastError
                )
            case .sleep(let delay):
                do {
                    try await environment.sleep(for: delay)
                } catch {
                    throw ACPClientError(
                        code: .unreachable,
                        message: "cancelled while waiting to retry a GET",
                        underlying: error
                    )
                }
            }
        }
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
