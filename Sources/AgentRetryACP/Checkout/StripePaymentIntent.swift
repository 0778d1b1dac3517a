import AgentRetry

/// A Stripe PaymentIntent as far as a checkout task reads it.
struct StripePaymentIntent: Sendable {
    /// Where the PaymentIntent is. Values newer than this code are kept as they are.
    struct Status: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        let rawValue: String
        init(rawValue: String) { self.rawValue = rawValue }
        static let requiresPaymentMethod = Status(rawValue: "requires_payment_method")
        static let requiresConfirmation = Status(rawValue: "requires_confirmation")
        static let requiresAction = Status(rawValue: "requires_action")
        static let processing = Status(rawValue: "processing")
        static let requiresCapture = Status(rawValue: "requires_capture")
        static let canceled = Status(rawValue: "canceled")
        static let succeeded = Status(rawValue: "succeeded")
        var description: String { self.rawValue }

        /// Whether the money moved (or is authorized, for manual capture).
        var isPaid: Bool { self == .succeeded || self == .requiresCapture }
    }

    let id: String
    let status: Status
    let json: JSONValue

    /// Whether the money moved (or is authorized, for manual capture).
    var isPaid: Bool { self.status.isPaid }

    init?(_ body: [UInt8]) {
        guard let json = try? JSONValue(parsing: body), let id = json["id"]?.stringValue,
            let status = json["status"]?.stringValue
        else { return nil }
        self.id = id
        self.status = Status(rawValue: status)
        self.json = json
    }

    /// The last payment error, when it was `token`'s: an earlier card's error stays on the
    /// PaymentIntent and is not this card's decline.
    func lastPaymentError(of token: String) -> JSONValue? {
        self.lastPaymentError { $0 == token }
    }

    /// The last payment error, when it was of a credential `isToken` recognises.
    func lastPaymentError(where isToken: (String) -> Bool) -> JSONValue? {
        guard self.status == .requiresPaymentMethod, let error = self.json["last_payment_error"], error != .null
        else { return nil }
        let tokens = [self.json["payment_method"]?.stringValue, error["payment_method"]?["id"]?.stringValue]
        guard tokens.contains(where: { $0.map(isToken) ?? false }) else { return nil }
        return error
    }
}
