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
    /// The merchant the ACP routes play: profile, versions, discovery.
    let merchant: Mutex<MerchantSettings>
    /// Refuses foreign hosts and origins everywhere, and unguarded writes to the admin API.
    let requestGuard: RequestGuard
    /// Sends the events effects produce to the registered webhook endpoints.
    let webhooks: WebhookDispatcher
    private let boundBaseURL = Mutex("")

    /// `http://HOST:PORT` once the socket is bound: links and permalinks point here.
    var baseURL: String {
        get { self.boundBaseURL.withLock { $0 } }
        set { self.boundBaseURL.withLock { $0 = newValue } }
    }

    init(configuration: MockPaymentServer.Configuration) {
        self.configuration = configuration
        let versions = (try? ACPVersion.parse(configuration.acpVersions).get()) ?? ACPVersion.allCases
        self.merchant = Mutex(
            MerchantSettings(
                profile: configuration.merchantProfile,
                versions: versions.isEmpty ? ACPVersion.allCases : versions,
                servesDiscoveryOverride: configuration.servesDiscovery,
                mcp: configuration.mcpBinding
            )
        )
        self.faults = FaultInjector(rules: configuration.faults, seed: configuration.seed)
        self.requestGuard = RequestGuard(configuration)
        self.webhooks = WebhookDispatcher(clock: configuration.clock, seed: configuration.seed)
    }

    var clock: any MockClock { self.configuration.clock }

    /// Routes a request, checks auth and idempotency, and says how to answer it.
    func prepare(_ request: MockRequest) -> PreparedResponse {
        switch RouteFamily(path: request.path) {
        case .stripe: self.prepareStripe(request)
        case .acp: self.prepareACP(request)
        case .admin: .respond(self.admin(request), replayed: false)
        case .mcp: .respond(RouteFamily.mcp.error(404, code: "not_found", message: "not a REST route"), replayed: false)
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
        answers: IdempotencyAnswers? = nil,
        effect: @escaping @Sendable (inout MockState) -> MockResponse
    ) -> PreparedResponse {
        let answers = answers ?? IdempotencyAnswers(family: family)
        let key = scope?.key
        let echo: @Sendable (MockResponse) -> MockResponse = { response in
            key.map { response.with(header: "Idempotency-Key", $0) } ?? response
        }
        guard let scope else {
            return .process { answerInstead in
                let (committed, events) = self.state.withLock { state in (effect(&state), state.webhookOutbox.take()) }
                self.webhooks.send(events)
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
            let marked = answers.replayHeader.map { response.with(header: $0, "true") } ?? response
            return .respond(echo(marked), replayed: true)
        case .mismatch:
            return .respond(echo(answers.mismatch), replayed: false)
        case .inFlight:
            return .respond(echo(answers.inFlight), replayed: false)
        case .proceed:
            return .process { answerInstead in
                let now = self.clock.now()
                let (response, events) = self.state.withLock { state in
                    let committed = effect(&state)
                    let saved = family == .stripe ? (answerInstead ?? committed) : committed
                    state.idempotency.finish(
                        scope: scope,
                        response: saved,
                        keep: saved.status < 500 || family == .stripe,
                        now: now
                    )
                    return (answerInstead ?? committed, state.webhookOutbox.take())
                }
                self.webhooks.send(events)
                return echo(response)
            }
        }
    }
}
