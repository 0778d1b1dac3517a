import AgentRetry

/// An ACP call that did not return a session.
public struct ACPClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable {
            case rejected, pending, conflict, idempotency, malformedResponse, unreachable, invalidArgument
        }
        let base: Base
        /// The merchant answered with an error status (4xx, or a 5xx after the retries);
        /// ``ACPClientError/error`` has its body.
        public static let rejected = Code(base: .rejected)
        /// The outcome is unknown after the retries or the deadline; calling again with the same intent resumes.
        public static let pending = Code(base: .pending)
        /// An idempotency conflict: the key was used with another body (422 `idempotency_conflict`,
        /// 409 `request_not_idempotent`). Not re-sent. A request still in flight is ``pending``.
        public static let conflict = Code(base: .conflict)
        /// Another failure of the idempotent call: the store, a lease held elsewhere, reconciliation.
        public static let idempotency = Code(base: .idempotency)
        /// A 2xx body that is not the object ACP defines.
        public static let malformedResponse = Code(base: .malformedResponse)
        /// A GET that could not reach the merchant after its retries.
        public static let unreachable = Code(base: .unreachable)
        /// An argument that cannot be sent, such as a session id with a slash, a base URL with a port
        /// outside 1...65535, or an API key with CR or LF. Nothing was sent.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What went wrong.
    public let code: Code
    /// Details; never a secret or a payment credential.
    public let message: String
    /// The HTTP status, when a response arrived.
    public let status: Int?
    /// The merchant's error body, when it sent one in ACP's flat shape.
    public let error: ACPError?
    /// The merchant's error body, read in any envelope (flat, `error`, `detail`, pydantic validation).
    public let body: ErrorResponseBody?
    /// The `API-Version` the request was sent with.
    public let apiVersion: ACPVersion?
    /// The idempotent call, when it returned.
    public let call: IdempotentResult?
    /// The underlying error: an `IdempotentCallError`, an `HTTPTransportError`, an ``ACPDecodingError``.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        status: Int? = nil,
        error: ACPError? = nil,
        body: ErrorResponseBody? = nil,
        apiVersion: ACPVersion? = nil,
        call: IdempotentResult? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.error = error
        self.body = body
        self.apiVersion = apiVersion
        self.call = call
        self.underlying = underlying
    }

    init(idempotentCall error: IdempotentCallError, apiVersion: ACPVersion? = nil) {
        let code: Code =
            switch error.code {
            case .payloadMismatch, .bodyChanged, .targetChanged, .credentialsChanged: .conflict
            case .inFlightAtServer, .retryAfterBeyondLimit, .responseBodyTooLarge: .pending
            case .invalidRequest: .invalidArgument
            default: .idempotency
            }
        self.init(
            code: code,
            message: error.message,
            status: error.response?.status,
            error: error.response.flatMap { try? ACPError(parsing: $0.body) },
            body: error.response.flatMap(ErrorResponseBody.init),
            apiVersion: apiVersion,
            underlying: error
        )
    }

    /// The idempotent call's error, if this is one.
    public var idempotentCallError: IdempotentCallError? { self.underlying as? IdempotentCallError }

    /// Whether the outcome is unknown after the retries (not a request still in flight).
    var isPending: Bool { self.code == .pending && self.idempotentCallError == nil }

    /// The code and the details.
    public var description: String { "ACPClientError.\(self.code): \(self.message)" }
}

extension ACPClientError: CheckoutStepFailure {}
