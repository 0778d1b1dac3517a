/// A released ACP version the mock merchant can speak, oldest first.
enum ACPVersion: String, CaseIterable, Comparable, Sendable {
    case v20250929 = "2025-09-29"
    case v20251212 = "2025-12-12"
    case v20260116 = "2026-01-16"
    case v20260130 = "2026-01-30"
    case v20260417 = "2026-04-17"

    /// The request and response shapes a version shares with its neighbours.
    enum Family: Sendable {
        /// 2025-09-29: `items`, flat `fulfillment_address`, `fulfillment_option_id`, `payment_data.token`.
        case fulfillmentAddress
        /// 2025-12-12 and 2026-01-16: `items`, `fulfillment_details`, nested `selected_fulfillment_options`.
        case fulfillmentDetails
        /// 2026-01-30 and 2026-04-17: `line_items`, `capabilities`, payment handlers.
        case handlers
    }

    var family: Family {
        switch self {
        case .v20250929: .fulfillmentAddress
        case .v20251212, .v20260116: .fulfillmentDetails
        case .v20260130, .v20260417: .handlers
        }
    }

    static func < (lhs: ACPVersion, rhs: ACPVersion) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// Parses a list of version names; the first unknown name is returned as the error.
    static func parse(_ names: [String]) -> Result<[ACPVersion], UnknownVersion> {
        var versions: [ACPVersion] = []
        for name in names {
            guard let version = ACPVersion(rawValue: name) else { return .failure(UnknownVersion(name: name)) }
            if !versions.contains(version) { versions.append(version) }
        }
        return .success(versions.sorted())
    }

    /// A version name that is not a released ACP version.
    struct UnknownVersion: Error, CustomStringConvertible {
        let name: String
        var description: String {
            "unknown ACP version \(self.name); released versions are "
                + ACPVersion.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }
}
