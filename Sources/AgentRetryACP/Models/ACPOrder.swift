import AgentRetry

/// The order a completed session created (`Order`), also the `data` of webhook events.
///
/// The schema requires `id`, `checkout_session_id` and `permalink_url`; decoding does not, because
/// the spec's own `webhook_order_create_event` example has no `id`. Missing ones read as "".
public struct ACPOrder: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .optional("id", String.self), .optional("checkout_session_id", String.self),
        .optional("permalink_url", String.self),
        .optional("type", String.self), .optional("status", String.self), .optional("order_number", String.self),
        .optional("totals", [ACPTotal].self),
    ]

    /// Creates an order from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `id`.
    public var id: String {
        get { self.value("id") ?? "" }
        set { self.setValue("id", newValue) }
    }
    /// `checkout_session_id`.
    public var checkoutSessionID: String {
        get { self.value("checkout_session_id") ?? "" }
        set { self.setValue("checkout_session_id", newValue) }
    }
    /// `permalink_url`: where the buyer sees the order.
    public var permalinkURL: String? {
        get { self.value("permalink_url") }
        set { self.setValue("permalink_url", newValue) }
    }
    /// `status`: `created`, `confirmed`, `shipped`, ... (an open set).
    public var status: String? {
        get { self.value("status") }
        set { self.setValue("status", newValue) }
    }
}
