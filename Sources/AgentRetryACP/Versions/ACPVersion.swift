/// An ACP API version, `YYYY-MM-DD`, as sent in the `API-Version` header.
///
/// Versions compare by date. ``family`` says which request shapes a version uses; a version this
/// code does not know is read as the family of the newest released version not newer than it.
public struct ACPVersion: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The version string, such as `2026-04-17`.
    public let rawValue: String

    /// Creates a version from any string; ``init(validating:)`` checks the form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a version from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// A version read from text; `nil` unless it is `YYYY-MM-DD` with a real month and day.
    public init?(validating text: String) {
        guard Self.isCalendarDate(text) else { return nil }
        self.init(rawValue: text)
    }

    /// `2025-09-29`: the first release (`items`, `fulfillment_address`, `payment_data.token`).
    public static let v2025_09_29: ACPVersion = "2025-09-29"
    /// `2025-12-12`: `fulfillment_details` and nested `selected_fulfillment_options`.
    public static let v2025_12_12: ACPVersion = "2025-12-12"
    /// `2026-01-16`: as 2025-12-12; `payment_provider.merchant_id`, fulfillment options with `totals`.
    public static let v2026_01_16: ACPVersion = "2026-01-16"
    /// `2026-01-30`: `line_items`, `currency`, `capabilities`, payment handlers.
    public static let v2026_01_30: ACPVersion = "2026-01-30"
    /// `2026-04-17`: the newest release, the shape of this module's request models.
    public static let v2026_04_17: ACPVersion = "2026-04-17"

    /// Every released version, newest first.
    public static let released: [ACPVersion] = [.v2026_04_17, .v2026_01_30, .v2026_01_16, .v2025_12_12, .v2025_09_29]

    /// The newest released version.
    public static let latest: ACPVersion = .v2026_04_17

    /// Whether the version is one of ``released``.
    public var isReleased: Bool { Self.released.contains(self) }

    /// The request shape family: that of the newest released version not newer than this one
    /// (versions older than every release are read as the 2025-09-29 family).
    public var family: Family {
        let base = Self.released.first { $0 <= self } ?? .v2025_09_29
        switch base {
        case .v2025_09_29: return .fulfillmentAddress
        case .v2025_12_12, .v2026_01_16: return .nestedSelection
        default: return .paymentHandlers
        }
    }

    /// Orders by date (`YYYY-MM-DD` strings sort as their dates).
    public static func < (lhs: ACPVersion, rhs: ACPVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The version string.
    public var description: String { self.rawValue }

    /// Decodes a JSON string.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }

    /// Whether `text` is `YYYY-MM-DD` naming a day of the Gregorian calendar.
    static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}
