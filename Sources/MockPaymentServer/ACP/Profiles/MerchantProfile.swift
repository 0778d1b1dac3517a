/// How the mock merchant departs from the ACP specification, after merchants seen in the wild.
public enum MerchantProfile: String, Sendable, CaseIterable {
    /// As the specification says: `API-Version` required and checked (400 with
    /// `supported_versions`), top-level ACP errors, 422 `idempotency_conflict`, replays marked
    /// `Idempotent-Replayed: true`, keys compared by JSON meaning. The default.
    case spec
    /// A FastAPI/pydantic server: `API-Version` ignored (the request shape tells the version),
    /// unknown members refused with a 422 `detail` array, errors in `{"detail": {...}}`, 409
    /// `request_not_idempotent`, replays marked `X-Idempotency-Cached: true`, keys compared over
    /// the raw body bytes, 400 `product_not_found` and 409 `out_of_stock`.
    case fastapi
    /// A hand-written server: unknown members ignored, no replay header, errors in
    /// `{"error": {...}}`, 409 `request_not_idempotent`, and a version it does not speak
    /// answered with 500 `text/plain` (a missing `API-Version` is taken as its newest).
    case plain
}
