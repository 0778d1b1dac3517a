import AgentRetry
import Foundation
import Synchronization

/// What the server does with a request after routing and idempotency checks.
enum PreparedResponse: Sendable {
    /// Answer at once, nothing to process (a read, an error, a replay).
    case respond(MockResponse, replayed: Bool)
    /// Run the effect: the closure commits it and its idempotency record together, and returns
    /// the response. A `status_after_commit` fault passes the response it answers with instead,
    /// so the record keeps what the client was told (Stripe replays it; ACP keeps no 5xx).
    case process(@Sendable (_ answerInstead: MockResponse?) -> MockResponse)
}

/// The mock server's logic, independent of the socket: routing, idempotency, state and ledger.
final class MockPaymentCore: Sendable {
    let state = Mutex(MockState())
    let faults: FaultInjector
    let configuration: MockPaymentServer.Configuration
    private let boundBaseURL = Mutex("")

    /// `http://HOST:PORT` once the socket is bound: links and permalinks point here.
    var baseURL: String {
        get { self.boundBaseURL.withLock { $0 } }
        set { self.boundBaseURL.withLock { $0 = newValue } }
    }

    init(configuration: MockPaymentServer.Configuration) {
        self.configuration = configuration
        self.faults = FaultInjector(rules: configuration.faults, seed: configuration.seed)
    }

    var clock: any MockClock { self.configuration.clock }

    /// Routes a request, checks auth and idempotency, and says how to answer it.
    func prepare(_ request: MockRequest) -> PreparedResponse {
        switch RouteFamily(path: request.path) {
        case .stripe: self.prepareStripe(request)
        case .acp: self.prepareACP(request)
        case .admin: .respond(self.admin(request), replayed: false)
        }
    }

    /// The `Bearer` key (or Basic user) the caller authenticated with, or `nil`.
    func apiKey(of request: MockRequest) -> String? {
        guard let authorization = request.header("authorization") else { return nil }
        if authorization.lowercased().hasPrefix("bearer ") {
            let key = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
            return key.isEmpty ? nil : key
        }
        if authorization.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6))),
            let text = String(data: decoded, encoding: .utf8)
        {
            let user =
                text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return user.isEmpty ? nil : user
        }
        return nil
    }

    /// Presents a key; on `.proceed` returns the processing closure that commits `effect` and the
    /// record together.
    ///
    /// Once a key is claimed the committed result is always saved, so no retry can run the effect
    /// twice. What the client is told may differ: a `status_after_commit` fault answers its status
    /// instead. Stripe saves that answer (it replays 500s); ACP saves the committed result, never a
    /// 5xx, so the retry learns what really happened.
    func idempotent(
        scope: IdempotencyRecords.Scope?,
        fingerprint: IdempotencyRecords.Fingerprint,
        family: RouteFamily,
        effect: @escaping @Sendable (inout MockState) -> MockResponse
    ) -> PreparedResponse {
        let key = scope?.key
        let echo: @Sendable (MockResponse) -> MockResponse = { response in
            key.map { response.with(header: "Idempotency-Key", $0) } ?? response
        }
        guard let scope else {
            return .process { answerInstead in
                let committed = self.state.withLock { effect(&$0) }
                return echo(answerInstead ?? committed)
            }
        }
        let now = self.clock.now()
        let retention = self.configuration.idempotencyRetention
        let claim = self.state.withLock {
            $0.idempotency.claim(scope: scope, fingerprint: fingerprint, now: now, retention: retention)
        }
        switch claim {
        case .replay(let response):
            return .respond(echo(response.with(header: "Idempotent-Replayed", "true")), replayed: true)
        case .mismatch:
            return .respond(echo(self.mismatch(family)), replayed: false)
        case .inFlight:
            return .respond(echo(self.inFlight(family)), replayed: false)
        case .proceed:
            return .process { answerInstead in
                let now = self.clock.now()
                let response = self.state.withLock { state in
                    let committed = effect(&state)
                    let saved = family == .stripe ? (answerInstead ?? committed) : committed
                    state.idempotency.finish(
                        scope: scope,
                        response: saved,
                        keep: saved.status < 500 || family == .stripe,
                        now: now
                    )
                    return answerInstead ?? committed
                }
                return echo(response)
            }
        }
    }

    private func mismatch(_ family: RouteFamily) -> MockResponse {
        switch family {
        case .stripe:
            family.error(
                400,
                type: "idempotency_error",
                code: "idempotency_key_reused",
                message:
                    "Keys for idempotent requests can only be used with the same parameters they were first used with."
            )
        default:
            family.error(
                422,
                code: "idempotency_conflict",
                message: "Idempotency-Key has already been used with a different request body"
            )
        }
    }

    private func inFlight(_ family: RouteFamily) -> MockResponse {
        family.injected(status: 409).with(header: "Retry-After", "1")
    }
}
