/// An idempotent call that ended without a usable outcome; the record stays as the error says.
public struct IdempotentCallError: Error, Sendable, CustomStringConvertible {
    /// What happened.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable {
            case bodyChanged, targetChanged, credentialsChanged, payloadMismatch, inFlightAtServer, inProgressElsewhere
            case needsReconciliation, retryAfterBeyondLimit, keyDerivation, store
            case invalidRequest, refusedByTransport, responseBodyTooLarge
        }
        let base: Base
        /// The intent was invoked again with another body; nothing was sent. Start over with a new
        /// generation of the intent to send a different request.
        public static let bodyChanged = Code(base: .bodyChanged)
        /// The intent was invoked again for another target than its first request (another method,
        /// scheme, host, port, path or PSP profile); nothing was sent. A request to another endpoint
        /// is another intent.
        public static let targetChanged = Code(base: .targetChanged)
        /// The intent was invoked again with other credentials than its first request (another
        /// `Authorization`, `X-API-Key` or `Stripe-Account` header); nothing was sent. Resume it with
        /// the credentials it started with.
        public static let credentialsChanged = Code(base: .credentialsChanged)
        /// The request cannot be sent (a URL that is not absolute `http(s)` or has a port outside
        /// 1...65535, a space in the URL, a header name that is not a token, CR, LF or NUL in a
        /// header value): refused before anything was stored or sent.
        public static let invalidRequest = Code(base: .invalidRequest)
        /// The transport refused the request before any byte of it left (a certificate that does not
        /// verify, say): nothing reached the server, and the record stays resumable (`prepared`, or
        /// `pending` when an earlier attempt may have been processed).
        public static let refusedByTransport = Code(base: .refusedByTransport)
        /// The server answered with a status that is not a success and a body over the transport's
        /// limit: the outcome is kept `pending` (never `failed`) until it is looked up. A 2xx with such
        /// a body is a success instead (``IdempotentResult/responseBodyOmitted``).
        public static let responseBodyTooLarge = Code(base: .responseBodyTooLarge)
        /// The server says the key was used with another request (422, or Stripe's 400
        /// `idempotency_error`). Never re-sent.
        public static let payloadMismatch = Code(base: .payloadMismatch)
        /// The server is still processing the first request with this key (409). Never re-sent now;
        /// the record stays resumable and a later call gets the replay.
        public static let inFlightAtServer = Code(base: .inFlightAtServer)
        /// Another invocation (in this or another process) holds the intent's lease.
        public static let inProgressElsewhere = Code(base: .inProgressElsewhere)
        /// The outcome is unknown and the PSP has (or may have) forgotten the key: re-sending could
        /// charge twice, so nothing was sent. Reconcile, e.g. by looking the payment up.
        public static let needsReconciliation = Code(base: .needsReconciliation)
        /// The server asked to wait longer than the policy's cap or the deadline allows.
        public static let retryAfterBeyondLimit = Code(base: .retryAfterBeyondLimit)
        /// No key could be derived (see the underlying error).
        public static let keyDerivation = Code(base: .keyDerivation)
        /// The store failed (see the underlying error); no request was sent without its record.
        public static let store = Code(base: .store)
        /// The code's name.
        public var description: String { "\(self.base)" }
    }

    /// What happened.
    public let code: Code
    /// The intent's key, when it was derived.
    public let key: IdempotencyKey?
    /// Requests put on the wire under the key so far.
    public let attempts: Int
    /// The server's `Retry-After`, for an in-flight conflict or a wait beyond the limit.
    public let retryAfter: Duration?
    /// The last response, when there was one (the 409 or 422, for example).
    public let response: HTTPResponse?
    /// Details, never a secret or a body.
    public let message: String
    /// The underlying error, if any.
    public let underlying: (any Error)?

    init(
        _ code: Code,
        key: IdempotencyKey?,
        attempts: Int = 0,
        retryAfter: Duration? = nil,
        response: HTTPResponse? = nil,
        message: String,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.key = key
        self.attempts = attempts
        self.retryAfter = retryAfter
        self.response = response
        self.message = message
        self.underlying = underlying
    }

    /// The code, the key and the details.
    public var description: String {
        "IdempotentCallError.\(self.code) [key \(self.key?.rawValue ?? "-"), attempts \(self.attempts)]: "
            + "\(self.message)"
    }
}
