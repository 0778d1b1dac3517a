import AgentRetry

/// The body of `POST /checkout_sessions/{id}/complete` (`CheckoutSessionCompleteRequest`).
public struct CheckoutSessionCompleteRequest: ACPObject {
    /// The JSON members, unknown ones included.
    public var members: [String: JSONValue]

    /// The known fields.
    public static let fields: [ACPField] = [
        .required("payment_data", PaymentData.self), .optional("buyer", ACPBuyer.self),
        .optional("authentication_result", AuthenticationResult.self), .optional("order_notes", String.self),
    ]

    /// Creates a request from members without checking them.
    public init(uncheckedMembers members: [String: JSONValue]) { self.members = members }

    /// Pays with `paymentData`.
    public init(paymentData: PaymentData, buyer: ACPBuyer? = nil, authenticationResult: AuthenticationResult? = nil) {
        self.members = ["payment_data": paymentData.acpJSON]
        self.setValue("buyer", buyer)
        self.setValue("authentication_result", authenticationResult)
    }

    /// `payment_data`.
    public var paymentData: PaymentData? {
        get { self.value("payment_data") }
        set { self.setValue("payment_data", newValue) }
    }
    /// `authentication_result`.
    public var authenticationResult: AuthenticationResult? {
        get { self.value("authentication_result") }
        set { self.setValue("authentication_result", newValue) }
    }
}
