/// Reads an error response for what it says about the idempotency key: the hook through which a
/// ``PSPProfile`` tells a real idempotency conflict from any other refusal.
///
/// The reader is authoritative: only what it calls a conflict is treated as one, and every other
/// error response is judged by its status alone (retried, or a definitive failure), 409 and 422
/// included. A reader for a PSP must therefore also return `.inFlight` for the PSP's own answer to
/// a request still in flight, or that answer is kept as a failure. Readers are compared by name.
public struct IdempotencyConflictReader: Sendable, Hashable, CustomStringConvertible {
    /// The reader's name, which identifies it.
    public let name: String
    private let read: @Sendable (HTTPResponse) -> IdempotencyConflict?

    /// Creates a reader. `read` gets every non-2xx response and returns the conflict it reports,
    /// or `nil` when the response says nothing about the key. An in-flight conflict without a
    /// delay of its own takes the response's `Retry-After`.
    public init(name: String, read: @escaping @Sendable (HTTPResponse) -> IdempotencyConflict?) {
        self.name = name
        self.read = read
    }

    /// The conflict `response` reports, if any.
    public func conflict(in response: HTTPResponse) -> IdempotencyConflict? {
        self.read(response)
    }

    /// By status: 409 is a request still in flight at the server; 422, and a 400 whose body is
    /// Stripe's `{"error": {"type": "idempotency_error"}}`, a key used with another request.
    public static let byStatus = IdempotencyConflictReader(name: "by-status") { response in
        switch response.status {
        case 409: .inFlight(retryAfter: nil)
        case 422: .payloadMismatch
        case 400 where Self.isStripeIdempotencyError(response.body): .payloadMismatch
        default: nil
        }
    }

    /// By code, whatever the status and the envelope (``ErrorResponseBody``): a code of
    /// ``inFlightCodes`` is a request still in flight; a code of ``mismatchCodes``, or the type
    /// `request_not_idempotent` (ACP before 2026-04-17) or `idempotency_error` (Stripe), a key used
    /// with another request. A 409 that names no code at all is read as in flight, as ACP defines
    /// it. Everything else, a 409 `out_of_stock` or a 422 validation error among them, is no
    /// conflict: it is judged by its status (and neither 409 nor 422 is ever re-sent).
    public static let byCode = IdempotencyConflictReader(name: "by-code") { response in
        let body = ErrorResponseBody(response)
        let code = body?.code?.lowercased()
        let type = body?.type?.lowercased()
        if let code, Self.inFlightCodes.contains(code) { return .inFlight(retryAfter: nil) }
        if let code, Self.mismatchCodes.contains(code) { return .payloadMismatch }
        if type == "request_not_idempotent" || type == "idempotency_error" { return .payloadMismatch }
        if response.status == 409, code == nil, body?.isValidationError != true { return .inFlight(retryAfter: nil) }
        return nil
    }

    /// Codes that say the first request with the key is still being processed.
    public static let inFlightCodes: Set<String> = [
        "idempotency_in_flight", "idempotency_key_in_use", "request_in_progress", "idempotency_request_in_progress",
    ]

    /// Codes that say the key was used with another request: ACP's `idempotency_conflict`, the
    /// `request_not_idempotent` of merchants in the wild (and of UCP and x402), Stripe's
    /// `idempotency_key_reused`.
    public static let mismatchCodes: Set<String> = [
        "idempotency_conflict", "request_not_idempotent", "idempotency_key_reused", "idempotency_key_mismatch",
        "idempotency_mismatch",
    ]

    /// The reader's name.
    public var description: String { self.name }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.name == rhs.name }

    public func hash(into hasher: inout Hasher) { hasher.combine(self.name) }

    private static func isStripeIdempotencyError(_ body: [UInt8]) -> Bool {
        (try? JSONValue(parsing: body))?["error"]?["type"]?.stringValue == "idempotency_error"
    }
}
