import AgentRetry

/// How a merchant's definitive refusal is read, by its code and envelope rather than its status:
/// pure functions, no I/O.
enum CheckoutRefusal {
    /// Codes that say the item is unknown or cannot be had: the buyer must choose another.
    static let itemCodes: Set<String> = [
        "out_of_stock", "product_not_found", "invalid_item_id", "item_not_found", "item_unavailable",
        "product_unavailable", "sold_out", "insufficient_stock", "quantity_exceeded",
    ]
    /// Codes that say the request is not accepted as written (its shape, its JSON).
    static let malformedCodes: Set<String> = [
        "invalid", "missing", "invalid_request", "invalid_json", "validation_error", "malformed_request",
        "bad_request", "extra_forbidden", "unprocessable_entity", "invalid_body", "missing_field",
        "missing_required_field", "invalid_field", "unknown_field", "invalid_type", "invalid_format",
    ]
    /// Codes that say the payment was declined (ACP's MCP binding answers a decline as an error of
    /// this code; some REST merchants answer a 402): definitive, the buyer must pay otherwise.
    static let declineCodes: Set<String> = ["payment_declined", "card_declined", "declined", "insufficient_funds"]
    /// Codes that say the `API-Version` is refused.
    static let versionCodes: Set<String> = [
        "unsupported_api_version", "missing_api_version", "unsupported_version", "invalid_api_version",
    ]

    /// The code, else the type, in lower case.
    static func code(_ body: ErrorResponseBody?) -> String? { (body?.code ?? body?.type)?.lowercased() }

    /// Whether a 400 refuses the version: it lists `supported_versions` or has a version code.
    static func refusesVersion(status: Int, body: ErrorResponseBody?) -> Bool {
        guard status == 400, let body else { return false }
        return !body.supportedVersions.isEmpty || Self.code(body).map(Self.versionCodes.contains) == true
    }

    /// Whether a 400 or 422 refuses the request's shape (a validation error, a malformed-request
    /// code, or a body that is no error envelope at all): nothing was done with it.
    static func refusesShape(status: Int, body: ErrorResponseBody?) -> Bool {
        guard status == 400 || status == 422 else { return false }
        guard let body else { return true }
        if body.isValidationError { return true }
        guard let code = Self.code(body) else { return true }
        return Self.malformedCodes.contains(code)
    }

    /// The status of an outcome a definitive 4xx refusal leads to (never a conflict: those are
    /// told apart by the idempotency reader before this).
    static func status(status: Int, body: ErrorResponseBody?) -> CheckoutOutcome.Status {
        if let code = Self.code(body), Self.declineCodes.contains(code), [400, 402, 409, 422].contains(status) {
            return .declined
        }
        // Only a 400, 409 or 422 speaks of the cart; a 404, 405 or 415 (a wrong base URL, a proxy)
        // refuses the request itself.
        guard [400, 409, 422].contains(status) else { return .rejected }
        if let code = Self.code(body), Self.itemCodes.contains(code) { return .needsInput }
        if Self.refusesVersion(status: status, body: body) { return .unsupportedVersion }
        if Self.refusesShape(status: status, body: body) { return .rejected }
        return .needsInput
    }

    /// Whether the session's error messages say an item is unknown or out of stock.
    static func itemMessages(_ messages: [ACPMessage]) -> [ACPMessage] {
        messages.filter { $0.type == .error && Self.itemCodes.contains($0.code?.rawValue.lowercased() ?? "") }
    }
}
