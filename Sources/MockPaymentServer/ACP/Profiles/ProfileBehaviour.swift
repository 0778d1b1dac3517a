/// What a merchant profile does, as data: one row per profile, read by the ACP routes.
struct ProfileBehaviour: Sendable {
    /// How `API-Version` is read.
    enum VersionHeader: Sendable {
        /// Required; a missing or unspoken version is a 400 with `supported_versions`.
        case required
        /// Ignored: the request's shape tells the version.
        case ignored
        /// A missing header is the newest spoken version; an unspoken one is a 500 `text/plain`.
        case lenient
    }

    /// What a request member the version's schema does not declare does.
    enum UnknownMembers: Sendable {
        case ignored
        /// Refused with a FastAPI 422 `detail` array (as is a missing required member).
        case forbidden
    }

    /// How an item that is out of stock is answered at create and update.
    enum OutOfStock: Sendable {
        /// A session whose messages carry an `out_of_stock` error.
        case message
        /// A 409 `out_of_stock` error.
        case refused
    }

    let versionHeader: VersionHeader
    let unknownMembers: UnknownMembers
    let envelope: ErrorEnvelope
    /// Status and code for a key reused with another body.
    let mismatch: (status: Int, code: String)
    /// The header that marks a replayed response (value `true`), or `nil` for none.
    let replayHeader: String?
    /// Whether keys are compared over the raw body bytes (else by JSON meaning).
    let comparesRawBytes: Bool
    /// The code for an item the catalog does not have (a 400).
    let unknownItemCode: String
    let outOfStock: OutOfStock
    /// Whether `/.well-known/acp.json` is served unless the configuration says otherwise.
    let servesDiscovery: Bool
}

extension MerchantProfile {
    /// This profile's row of the behaviour table.
    var behaviour: ProfileBehaviour {
        switch self {
        case .spec:
            ProfileBehaviour(
                versionHeader: .required,
                unknownMembers: .ignored,
                envelope: .topLevel,
                mismatch: (422, "idempotency_conflict"),
                replayHeader: "Idempotent-Replayed",
                comparesRawBytes: false,
                unknownItemCode: "invalid_item_id",
                outOfStock: .message,
                servesDiscovery: true
            )
        case .fastapi:
            ProfileBehaviour(
                versionHeader: .ignored,
                unknownMembers: .forbidden,
                envelope: .detail,
                mismatch: (409, "request_not_idempotent"),
                replayHeader: "X-Idempotency-Cached",
                comparesRawBytes: true,
                unknownItemCode: "product_not_found",
                outOfStock: .refused,
                servesDiscovery: false
            )
        case .plain:
            ProfileBehaviour(
                versionHeader: .lenient,
                unknownMembers: .ignored,
                envelope: .error,
                mismatch: (409, "request_not_idempotent"),
                replayHeader: nil,
                comparesRawBytes: false,
                unknownItemCode: "invalid_item_id",
                outOfStock: .message,
                servesDiscovery: false
            )
        }
    }
}
