import AgentRetry

/// An order event a merchant posts to the agent's webhook (`order_create`, `order_update`), with
/// the full order as `data`.
public struct ACPWebhookEvent: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [.required("type", String.self), .required("data", ACPOrder.self)]

    /// Creates an event from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// `type`: `order_create` or `order_update`.
    public var type: String {
        get { self.value("type") ?? "" }
        set { self.setValue("type", newValue) }
    }
    /// `data`: the order.
    public var order: ACPOrder? {
        get { self.value("data") }
        set { self.setValue("data", newValue) }
    }
}
