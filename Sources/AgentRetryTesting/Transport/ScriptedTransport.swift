import AgentRetry
import Logging
import Synchronization

/// A transport that answers from a script instead of a socket, and records every request it got:
/// for running `IdempotentClient` and the checkout tasks in a test without a network.
///
/// Each request takes the next answer of the script; once the script is used up, the last answer
/// repeats (an empty script answers `200` with no body).
///
/// ```swift
/// let transport = ScriptedTransport([
///     .fail(.curl(.operationTimedOut), .mayHaveBeenProcessed),   // timeout-but-success
///     .respond(200, body: #"{"id": "pi_1"}"#),
/// ])
/// let client = IdempotentClient(transport: transport, store: InMemoryIdempotencyStore(), secret: secret)
/// _ = try await client.send(request, intent: intent)
/// #expect(Set(transport.requests.map { $0.headers.first(name: "Idempotency-Key") }).count == 1)
/// ```
public final class ScriptedTransport: HTTPClientTransport {
    /// One scripted answer.
    public enum Answer: Sendable {
        /// A response.
        case response(HTTPResponse)
        /// A transport failure of `code`, classed `failureClass`.
        case failure(HTTPTransportError.Code, FailureClass)

        /// A response with `status`, `headers` and a UTF-8 `body`.
        public static func respond(_ status: Int, headers: HTTPHeaders = [:], body: String = "") -> Answer {
            .response(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
        }

        /// A transport failure.
        public static func fail(_ code: HTTPTransportError.Code, _ failureClass: FailureClass) -> Answer {
            .failure(code, failureClass)
        }
    }

    private let state: Mutex<(script: [Answer], next: Int, requests: [HTTPRequest])>

    /// Creates a transport that answers with `script`, in order.
    public init(_ script: [Answer]) {
        self.state = Mutex((script: script, next: 0, requests: []))
    }

    /// Every request received, in order.
    public var requests: [HTTPRequest] { self.state.withLock { $0.requests } }

    /// Answers `request` with the script's next answer.
    public func execute(_ request: HTTPRequest, logger: Logger?) async throws(HTTPTransportError) -> HTTPResponse {
        let answer = self.state.withLock { state -> Answer? in
            state.requests.append(request)
            guard !state.script.isEmpty else { return nil }
            let answer = state.script[min(state.next, state.script.count - 1)]
            state.next += 1
            return answer
        }
        switch answer {
        case nil:
            return HTTPResponse(status: 200)
        case .response(let response):
            return response
        case .failure(let code, let failureClass):
            throw HTTPTransportError(
                code: code,
                failureClass: failureClass,
                message: "scripted failure",
                method: request.method,
                url: request.url,
                wireSends: failureClass == .notSent ? 0 : 1
            )
        }
    }
}
