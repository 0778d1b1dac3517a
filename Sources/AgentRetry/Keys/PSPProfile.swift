/// How one payment service provider takes idempotency keys: data, not code.
public struct PSPProfile: Sendable, Hashable {
    /// A short name, e.g. `stripe`.
    public var name: String
    /// The request header that carries the key.
    public var headerName: String
    /// The longest key the PSP accepts.
    public var maximumKeyLength: Int
    /// How long the PSP remembers a key. After that a re-send under the same key is a new request
    /// to the PSP, which is why a record of unknown outcome older than this is never re-sent.
    public var retention: Duration
    /// How derived keys are written for this PSP.
    public var keyFormat: IdempotencyKey.Format
    /// Whether the PSP saves a 5xx under the key and replays it (Stripe v1 does; ACP forbids it):
    /// a replayed 5xx then ends the retries, since every re-send would get it again, and the
    /// outcome has to be looked up.
    public var replaysServerErrors: Bool
    /// Which error responses are idempotency conflicts (never re-sent), read by their status and
    /// body. Defaults to ``IdempotencyConflictReader/byCode``.
    public var conflictReader: IdempotencyConflictReader
    /// The response headers that mark a replay of a saved result, any of them `true` (or `1`).
    /// Defaults to ``replayHeaders``.
    public var replayHeaderNames: [String]

    /// Creates a custom profile.
    public init(
        name: String,
        headerName: String,
        maximumKeyLength: Int,
        retention: Duration,
        keyFormat: IdempotencyKey.Format = .standard,
        replaysServerErrors: Bool = false,
        conflictReader: IdempotencyConflictReader = .byCode,
        replayHeaderNames: [String] = PSPProfile.replayHeaders
    ) {
        self.name = name
        self.headerName = headerName
        self.maximumKeyLength = maximumKeyLength
        self.retention = retention
        self.keyFormat = keyFormat
        self.replaysServerErrors = replaysServerErrors
        self.conflictReader = conflictReader
        self.replayHeaderNames = replayHeaderNames
    }

    /// The replay headers seen in the wild: `Idempotent-Replayed` (Stripe, ACP 2026-04-17),
    /// `X-Idempotency-Cached`, `Idempotency-Replayed`, `X-Idempotent-Replayed` and `X-Cache-Idempotency`.
    public static let replayHeaders = [
        "Idempotent-Replayed", "X-Idempotency-Cached", "Idempotency-Replayed", "X-Idempotent-Replayed",
        "X-Cache-Idempotency",
    ]

    /// Whether `response` says it replays a result the PSP saved under the key.
    public func isReplay(_ response: HTTPResponse) -> Bool {
        self.replayHeaderNames.contains { name in
            guard let value = response.headers.first(name: name)?.lowercased() else { return false }
            return value == "true" || value == "1" || value == "hit"
        }
    }

    /// Stripe API v1: `Idempotency-Key`, 255 characters, keys kept at least 24 hours, 5xx results
    /// saved and replayed.
    public static let stripe = PSPProfile(
        name: "stripe",
        headerName: "Idempotency-Key",
        maximumKeyLength: 255,
        retention: .seconds(24 * 3600),
        replaysServerErrors: true
    )
    /// ACP 2026-04-17: `Idempotency-Key`, 255 characters, kept at least 24 hours (§6.6).
    public static let acp = PSPProfile(
        name: "acp",
        headerName: "Idempotency-Key",
        maximumKeyLength: 255,
        retention: .seconds(24 * 3600)
    )
    /// PayPal REST: `PayPal-Request-Id`. PayPal publishes retention per API, not globally: 24 hours
    /// is assumed (a shorter assumption is the safe side); override it for your API.
    public static let paypal = PSPProfile(
        name: "paypal",
        headerName: "PayPal-Request-Id",
        maximumKeyLength: 108,
        retention: .seconds(24 * 3600)
    )
    /// Adyen: `Idempotency-Key`, 64 characters, kept at least 31 days.
    public static let adyen = PSPProfile(
        name: "adyen",
        headerName: "Idempotency-Key",
        maximumKeyLength: 64,
        retention: .seconds(31 * 24 * 3600)
    )

    /// The named built-in profiles.
    public static let builtIn: [String: PSPProfile] = [
        "stripe": .stripe, "acp": .acp, "paypal": .paypal, "adyen": .adyen,
    ]

    /// How long the client may re-send a record of unknown outcome: the PSP's retention less a
    /// tenth (at least a minute), so clock skew and slow retries never cross the PSP's edge.
    public var clientRetention: Duration {
        let margin = max(self.retention / 10, .seconds(60))
        return self.retention > margin ? self.retention - margin : .zero
    }
}
