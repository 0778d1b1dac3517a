import AgentRetry
import MockPaymentServer
import Testing

/// Runs `body` with a fresh mock server on 127.0.0.1:0 and a transport, and shuts both down.
func withMockServer<Result>(
    _ configuration: MockPaymentServer.Configuration = MockPaymentServer.Configuration(),
    transport transportConfiguration: HTTPTransport.Configuration = HTTPTransport.Configuration(),
    _ body: (MockPaymentServer, HTTPTransport) async throws -> Result
) async throws -> Result {
    try await MockPaymentServer.withServer(configuration) { server in
        try await HTTPTransport.withTransport(configuration: transportConfiguration) { try await body(server, $0) }
    }
}

let testKey = "sk_test_mock"

/// A Stripe form POST.
func stripePost(
    _ server: MockPaymentServer,
    _ path: String,
    _ form: String,
    key: String? = nil,
    apiKey: String = testKey
) -> HTTPRequest {
    var request = HTTPRequest(method: .post, url: server.baseURL + path, body: form)
    request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
    if let key { request.headers.add(name: "Idempotency-Key", value: key) }
    return request
}

/// A Stripe GET.
func stripeGet(_ server: MockPaymentServer, _ path: String) -> HTTPRequest {
    var request = HTTPRequest(url: server.baseURL + path)
    request.headers.add(name: "Authorization", value: "Bearer \(testKey)")
    return request
}

/// An ACP POST with a JSON body.
func acpPost(
    _ server: MockPaymentServer,
    _ path: String,
    _ body: String,
    key: String?,
    version: String? = "2026-04-17"
) -> HTTPRequest {
    var request = HTTPRequest(method: .post, url: server.baseURL + path, body: body)
    request.headers.add(name: "Authorization", value: "Bearer \(testKey)")
    request.headers.add(name: "Content-Type", value: "application/json")
    if let version { request.headers.add(name: "API-Version", value: version) }
    if let key { request.headers.add(name: "Idempotency-Key", value: key) }
    return request
}

/// An ACP GET.
func acpGet(_ server: MockPaymentServer, _ path: String) -> HTTPRequest {
    var request = HTTPRequest(url: server.baseURL + path)
    request.headers.add(name: "Authorization", value: "Bearer \(testKey)")
    request.headers.add(name: "API-Version", value: "2026-04-17")
    return request
}

extension HTTPResponse {
    /// The body as JSON; records an issue and returns `null` when it is not JSON.
    var json: JSONValue {
        do {
            return try JSONValue(parsing: self.body)
        } catch {
            Issue.record("response body is not JSON: \(self.bodyText)")
            return .null
        }
    }
}

/// Waits until the first request with its key is in flight at `server`, then sends `request` every
/// 20 ms until one answer is a 409 and returns it; records an issue if 3 s pass without one.
func firstConflict(
    _ server: MockPaymentServer,
    _ transport: HTTPTransport,
    _ request: HTTPRequest
) async throws -> HTTPResponse {
    let arrival = ContinuousClock.now + .seconds(20)
    while server.keysInFlight == 0 && ContinuousClock.now < arrival {
        try await Task.sleep(for: .milliseconds(5))
    }
    let deadline = ContinuousClock.now + .seconds(10)
    while true {
        let response = try await transport.execute(request)
        if response.status == 409 || ContinuousClock.now > deadline {
            if response.status != 409 {
                Issue.record("no 409 while the first request was in flight; got \(response.status)")
            }
            return response
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A create-session body for the mock catalog; `address` adds fulfillment details.
func sessionBody(items: [String] = ["item_tshirt"], address: Bool = true, taskID: String = "task-1") -> String {
    let lines = items.map { "{\"id\": \"\($0)\"}" }.joined(separator: ", ")
    let details =
        address
        ? ", \"fulfillment_details\": {\"name\": \"Ada\", \"email\": \"ada@example.com\", "
            + "\"address\": {\"name\": \"Ada\", \"line_one\": \"1 Loop Rd\", \"city\": \"Springfield\", "
            + "\"state\": \"IL\", \"country\": \"US\", \"postal_code\": \"62701\"}}"
        : ""
    return "{\"currency\": \"usd\", \"line_items\": [\(lines)], \"capabilities\": {}, "
        + "\"metadata\": {\"task_id\": \"\(taskID)\"}\(details)}"
}

/// A complete body with a test credential token.
func completeBody(token: String, authentication: String? = nil) -> String {
    let auth = authentication.map { ", \"authentication_result\": {\"outcome\": \"\($0)\"}" } ?? ""
    return "{\"payment_data\": {\"handler_id\": \"card_tokenized\", "
        + "\"instrument\": {\"type\": \"card\", \"credential\": {\"type\": \"spt\", \"token\": \"\(token)\"}}}\(auth)}"
}

extension MockPaymentServer {
    /// Waits until the ledger holds an entry of `kind` (any kind when `nil`), or `timeout` passes:
    /// how a crash test knows the effect it kills the client after has happened.
    func waitForLedger(_ kind: String? = nil, timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !self.ledger.contains(where: { kind == nil || $0.kind == kind }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension FaultRule {
    /// The first complete is committed, then its answer held for 20 s: the window in which a crash
    /// test kills the client after the merchant placed the order.
    static let heldComplete = FaultRule(
        method: "POST",
        path: "/checkout_sessions/*/complete",
        action: .stallAfterCommit(milliseconds: 20_000),
        count: 1
    )
}
