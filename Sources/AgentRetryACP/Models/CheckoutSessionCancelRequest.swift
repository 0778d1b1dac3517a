import AgentRetry

/// The optional body of `POST /checkout_sessions/{id}/cancel` (`CancelSessionRequest`).
public struct CheckoutSessionCancelRequest: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [.optional("intent_trace", JSONValue.self)]

    /// Creates a request from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// A cancel request, with an optional `intent_trace.reason_code` (such as `timing_deferred`).
    public init(reasonCode: String? = nil) {
        self.members = [:]
        if let reasonCode { self.members["intent_trace"] = ["reason_code": .string(reasonCode)] }
    }

    /// `intent_trace.reason_code`.
    public var reasonCode: String? { self.members["intent_trace"]?["reason_code"]?.stringValue }
}
