import AgentRetry

/// Why a request body cannot be read, independent of how a merchant profile words it.
struct RequestProblem: Error {
    enum Kind: Sendable {
        /// A required member is absent.
        case missing
        /// A member the version's schema does not declare.
        case extra
        /// A member is present but its value is wrong.
        case invalid
        /// An item id the catalog does not have.
        case unknownItem
        /// A fulfillment option id the merchant does not offer.
        case unknownOption
    }

    let kind: Kind
    /// Where, as members and indices from the body's root: `["line_items", 0, "id"]`.
    let location: [JSONValue]
    let message: String
    /// The value at fault (for `missing`, the object that lacks the member).
    var input: JSONValue = .null

    /// The location as an RFC 9535 JSONPath: `$.line_items[0].id`.
    var param: String {
        self.location.reduce("$") { path, step in
            if case .number(let index) = step { return path + "[\(Int(index))]" }
            return path + "." + (step.stringValue ?? "")
        }
    }

    static func missing(_ location: [JSONValue], message: String, in object: JSONValue) -> RequestProblem {
        RequestProblem(kind: .missing, location: location, message: message, input: object)
    }

    static func invalid(_ location: [JSONValue], message: String) -> RequestProblem {
        RequestProblem(kind: .invalid, location: location, message: message)
    }
}
