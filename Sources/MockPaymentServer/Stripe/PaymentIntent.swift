import AgentRetry
import Foundation

/// A Stripe PaymentIntent as the mock keeps it.
struct PaymentIntent {
    var id: String
    var amount: Int
    var currency: String
    var status: String
    var paymentMethod: String?
    var captureMethod: String
    var description: String?
    var customer: String?
    var metadata: [String: String]
    var created: Int
    var amountReceived = 0
    var amountRefunded = 0
    var latestCharge: String?
    var lastPaymentError: JSONValue = .null
    var canceledAt: Int?
    var cancellationReason: String?

    /// The object as Stripe's API shows it.
    var json: JSONValue {
        [
            "id": .string(self.id),
            "object": "payment_intent",
            "amount": .number(Double(self.amount)),
            "amount_capturable": .number(Double(self.status == "requires_capture" ? self.amount : 0)),
            "amount_received": .number(Double(self.amountReceived)),
            "currency": .string(self.currency),
            "status": .string(self.status),
            "payment_method": self.paymentMethod.map(JSONValue.string) ?? .null,
            "payment_method_types": ["card"],
            "capture_method": .string(self.captureMethod),
            "confirmation_method": "automatic",
            "description": self.description.map(JSONValue.string) ?? .null,
            "customer": self.customer.map(JSONValue.string) ?? .null,
            "metadata": .object(self.metadata.mapValues(JSONValue.string)),
            "created": .number(Double(self.created)),
            "livemode": false,
            "client_secret": .string("\(self.id)_secret_mock"),
            "latest_charge": self.latestCharge.map(JSONValue.string) ?? .null,
            "last_payment_error": self.lastPaymentError,
            "canceled_at": self.canceledAt.map { .number(Double($0)) } ?? .null,
            "cancellation_reason": self.cancellationReason.map(JSONValue.string) ?? .null,
        ]
    }
}

/// What a test payment method does when charged.
enum TestPaymentMethod {
    case succeeds
    case declined(declineCode: String, message: String)

    init?(_ id: String) {
        switch id {
        case "pm_card_visa", "pm_card_mastercard", "pm_card_amex":
            self = .succeeds
        case "pm_card_chargeDeclined":
            self = .declined(declineCode: "generic_decline", message: "Your card was declined.")
        case "pm_card_chargeDeclinedInsufficientFunds":
            self = .declined(declineCode: "insufficient_funds", message: "Your card has insufficient funds.")
        default:
            return nil
        }
    }
}
