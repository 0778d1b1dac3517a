// TEMPORARY: stands in for helper models' ACPVersion until acp-models is merged; delete then.
import AgentRetry

/// An ACP API version (stub).
public struct ACPVersion: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The version string.
    public let rawValue: String
    /// Creates a version.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a version from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    /// 2025-09-29.
    public static let v2025_09_29: ACPVersion = "2025-09-29"
    /// 2025-12-12.
    public static let v2025_12_12: ACPVersion = "2025-12-12"
    /// 2026-01-16.
    public static let v2026_01_16: ACPVersion = "2026-01-16"
    /// 2026-01-30.
    public static let v2026_01_30: ACPVersion = "2026-01-30"
    /// 2026-04-17.
    public static let v2026_04_17: ACPVersion = "2026-04-17"
    /// Newest first.
    public static let released: [ACPVersion] = [.v2026_04_17, .v2026_01_30, .v2026_01_16, .v2025_12_12, .v2025_09_29]
    /// The newest.
    public static let latest: ACPVersion = .v2026_04_17
    /// By date.
    public static func < (lhs: ACPVersion, rhs: ACPVersion) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The string.
    public var description: String { self.rawValue }
}

extension CheckoutSessionCreateRequest {
    /// Stub.
    public func encoded(for version: ACPVersion) -> JSONValue { self.acpJSON }
}

extension CheckoutSessionUpdateRequest {
    /// Stub.
    public func encoded(for version: ACPVersion) -> JSONValue { self.acpJSON }
}

extension CheckoutSessionCompleteRequest {
    /// Stub.
    public func encoded(for version: ACPVersion, session: CheckoutSession?) -> JSONValue { self.acpJSON }
}

extension CheckoutSession {
    /// Stub.
    public var selectedFulfillmentOptionIDs: [String] { self.selectedFulfillmentOptions.map(\.optionID) }
    /// Stub.
    public var paymentProvider: String? { self.members["payment_provider"]?["provider"]?.stringValue }
}
