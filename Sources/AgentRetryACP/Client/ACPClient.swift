import AgentRetry
import Foundation

/// A client for an ACP merchant: create, update, retrieve, complete and cancel checkout
/// sessions, each body encoded in the shape of ``Configuration-swift.struct/apiVersion``, every
/// POST through the `IdempotentClient` (key persisted before sending, retries that never re-send
/// a 409 or 422), every GET retried as the safe request it is.
///
/// Each request carries `Authorization: Bearer`, `API-Version`, `Content-Type`, a `Request-Id`
/// and, on POSTs, the `Idempotency-Key` derived from the call's intent.
public struct ACPClient: Sendable {
    /// Settings of an ACP client.
    public struct Configuration: Sendable, CustomStringConvertible, CustomReflectable {
        /// The merchant's ACP base URL, such as `https://merchant.example/acp`, without a trailing slash.
        public var baseURL: String
        /// The Bearer token; never printed.
        public var apiKey: String
        /// The `API-Version` header, and the shape of the request bodies. Defaults to `2026-04-17`.
        public var apiVersion: String
        /// The `Accept-Language` header, if any. Defaults to none.
        public var acceptLanguage: String?
        /// The `User-Agent` header. Defaults to `AgentRetry`.
        public var userAgent: String

        /// Creates settings with the documented defaults.
        public init(
            baseURL: String,
            apiKey: String,
            apiVersion: String = "2026-04-17",
            acceptLanguage: String? = nil,
            userAgent: String = "AgentRetry"
        ) {
            self.baseURL = Self.trimmingSlash(baseURL)
            self.apiKey = apiKey
            self.apiVersion = apiVersion
            self.acceptLanguage = acceptLanguage
            self.userAgent = userAgent
        }

        /// `url` without a trailing slash.
        static func trimmingSlash(_ url: String) -> String {
            url.hasSuffix("/") ? String(url.dropLast()) : url
        }

        /// The settings without the API key.
        public var description: String {
            "ACPClient.Configuration(baseURL: \(self.baseURL), apiVersion: \(self.apiVersion), apiKey: redacted)"
        }

        /// What `dump` and debuggers show: no API key.
        public var customMirror: Mirror {
            Mirror(self, children: ["baseURL": self.baseURL, "apiVersion": self.apiVersion, "apiKey": "redacted"])
        }
    }

    /// The idempotent client the POSTs go through.
    public let client: IdempotentClient
    /// The settings.
    public let configuration: Configuration

    /// Creates an ACP client over `client`.
    public init(client: IdempotentClient, configuration: Configuration) {
        self.client = client
        self.configuration = configuration
    }

    /// `POST /checkout_sessions`; the returned session's id is kept as the intent's anchor, in the
    /// same commit as the outcome.
    public func create(
        _ body: CheckoutSessionCreateRequest,
        intent: IdempotencyIntent
    ) async throws(ACPClientError) -> ACPResponse<CheckoutSession> {
        try await self.post(
            "/checkout_sessions",
            body: body.encoded(for: self.version),
            intent: intent,
            anchor: { response in
                (try? JSONValue(parsing: response.body))?["id"]?.stringValue
            }
        )
    }

    /// `POST /checkout_sessions/{id}`.
    public func update(
        _ id: String,
        _ body: CheckoutSessionUpdateRequest,
        intent: IdempotencyIntent
    ) async throws(ACPClientError) -> ACPResponse<CheckoutSession> {
        try await self.post(
            "/checkout_sessions/\(try Self.pathSegment(id))",
            body: body.encoded(for: self.version),
            intent: intent
        )
    }

    /// `POST /checkout_sessions/{id}/complete`: a 2xx session, `completed` with its order, or
    /// still open with a `payment_declined` message. `session` (the session as created) names the
    /// payment provider versions before 2026-01-30 send.
    public func complete(
        _ id: String,
        _ body: CheckoutSessionCompleteRequest,
        intent: IdempotencyIntent,
        session: CheckoutSession? = nil
    ) async throws(ACPClientError) -> ACPResponse<CheckoutSession> {
        try await self.post(
            "/checkout_sessions/\(try Self.pathSegment(id))/complete",
            body: body.encoded(for: self.version, session: session),
            intent: intent
        )
    }

    /// `POST /checkout_sessions/{id}/cancel`.
    public func cancel(
        _ id: String,
        _ body: CheckoutSessionCancelRequest = .init(),
        intent: IdempotencyIntent
    ) async throws(ACPClientError) -> ACPResponse<CheckoutSession> {
        try await self.post("/checkout_sessions/\(try Self.pathSegment(id))/cancel", body: body.acpJSON, intent: intent)
    }

    /// `GET /checkout_sessions/{id}`, retried on any failure that a safe request may retry.
    public func retrieve(_ id: String) async throws(ACPClientError) -> CheckoutSession {
        try self.checkBaseURL()
        let url = "\(self.configuration.baseURL)/checkout_sessions/\(try Self.pathSegment(id))"
        let response = try await SafeRead(client: self.client).get(url, headers: self.headers(json: false))
        return try Self.decode(response, apiVersion: self.version)
    }

    /// The intent of a later step of an anchored task: the merchant, the task, the session id, the
    /// step and the canonical body, so that a retry of the same step with the same body reuses its
    /// key and a changed body (a new payment credential) is a new intent. The body enters by its
    /// RFC 8785 fingerprint, so the intent never holds a payment credential; the merchant and the
    /// task keep two merchants' equal session ids apart.
    public func stepIntent(
        namespace: String,
        taskID: String,
        anchor: String,
        step: String,
        body: some ACPObject
    ) -> IdempotencyIntent {
        let fingerprint = (try? RequestFingerprint.json(body.acpJSON))?.rawValue ?? ""
        return IdempotencyIntent(
            namespace: namespace,
            operation: "acp.checkout_session.\(step)",
            inputs: [
                "merchant": .string(self.configuration.baseURL), "task_id": .string(taskID),
                "checkout_session_id": .string(anchor), "body_sha256": .string(fingerprint),
            ]
        )
    }

    func headers(json: Bool) -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "Authorization": "Bearer \(self.configuration.apiKey)", "API-Version": self.configuration.apiVersion,
            "User-Agent": self.configuration.userAgent, "Request-Id": "req_\(UUID().uuidString.lowercased())",
            "Accept": "application/json",
        ]
        if json { headers.add(name: "Content-Type", value: "application/json") }
        if let language = self.configuration.acceptLanguage { headers.add(name: "Accept-Language", value: language) }
        return headers
    }

    /// POSTs `body` (already encoded) for `intent` through `client` (defaults to this client's).
    package func post(
        _ path: String,
        body: JSONValue,
        intent: IdempotencyIntent,
        anchor: (@Sendable (HTTPResponse) -> String?)? = nil,
        through client: IdempotentClient? = nil
    ) async throws(ACPClientError) -> ACPResponse<CheckoutSession> {
        try self.checkBaseURL()
        let request = HTTPRequest(
            method: .post,
            url: self.configuration.baseURL + path,
            headers: self.headers(json: true),
            body: body.serialized()
        )
        let result: IdempotentResult
        do {
            result = try await (client ?? self.client).send(request, intent: intent, profile: .acp, anchor: anchor)
        } catch {
            throw ACPClientError(idempotentCall: error, apiVersion: self.version)
        }
        guard let response = result.response, result.status != .pending else {
            throw ACPClientError(
                code: .pending,
                message: "the outcome of \(intent.operation) is unknown after the retries; resumable with the same key",
                apiVersion: self.version,
                call: result
            )
        }
        return ACPResponse(
            body: try Self.decode(response, apiVersion: self.version, call: result),
            status: response.status,
            call: result
        )
    }

    /// A 2xx body as a session; any other status as the ACP error it carries.
    static func decode(
        _ response: HTTPResponse,
        apiVersion: ACPVersion?,
        call: IdempotentResult? = nil
    ) throws(ACPClientError) -> CheckoutSession {
        guard (200..<300).contains(response.status) else {
            let body = ErrorResponseBody(response)
            let said = [body?.code ?? body?.type, body?.message].compactMap { $0 }.joined(separator: ": ")
            throw ACPClientError(
                code: .rejected,
                message: "the merchant answered \(response.status)\(said.isEmpty ? "" : " \(said)")"
                    + " to API-Version \(apiVersion?.rawValue ?? "-")",
                status: response.status,
                error: try? ACPError(parsing: response.body),
                body: body,
                apiVersion: apiVersion,
                call: call
            )
        }
        do {
            return try CheckoutSession(parsing: response.body)
        } catch {
            throw ACPClientError(
                code: .malformedResponse,
                message: "the merchant's \(response.status) body is not a checkout session: \(error)",
                status: response.status,
                apiVersion: apiVersion,
                call: call,
                underlying: error
            )
        }
    }

    /// Refuses ids that would change the path (slashes, dots, control characters).
    static func pathSegment(_ id: String) throws(ACPClientError) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
        guard !id.isEmpty, id.utf8.count <= 255, id.unicodeScalars.allSatisfy(allowed.contains) else {
            throw ACPClientError(
                code: .invalidArgument,
                message: "an object id in a path must be 1 to 255 letters, digits, '-' or '_'"
            )
        }
        return id
    }

    /// Throws ``ACPClientError/Code-swift.struct/invalidArgument`` when the base URL cannot be sent
    /// to (not absolute `http(s)`, a port outside 1...65535, a space): checked before any request.
    func checkBaseURL() throws(ACPClientError) {
        do {
            try RequestTarget.validate(self.configuration.baseURL)
        } catch {
            throw ACPClientError(code: .invalidArgument, message: "the merchant's base URL is not usable: \(error)")
        }
    }
}
