import AgentRetryACP
import Foundation
import MCP

/// A tool call's arguments, read and checked before anything is sent: every refusal names its
/// field.
struct MCPToolArguments {
    let values: [String: Value]

    init(_ values: [String: Value]?) { self.values = values ?? [:] }

    /// `task_id`: a non-empty string of at most 200 characters.
    func taskID() throws(MCPToolError) -> String {
        let id = try self.string("task_id")
        guard id.count <= 200 else { throw .invalid("task_id", "task_id must be at most 200 characters") }
        return id
    }

    /// A required non-empty string.
    func string(_ name: String) throws(MCPToolError) -> String {
        guard let value = try self.optionalString(name) else { throw .invalid(name, "\(name) is required") }
        return value
    }

    /// An optional string: absent or null is `nil`; present, it must be a non-empty string.
    func optionalString(_ name: String) throws(MCPToolError) -> String? {
        guard let value = self.values[name], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .invalid(name, "\(name) must be a string") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid(name, "\(name) must not be empty")
        }
        return text
    }

    /// A required positive integer (a JSON number with no fraction).
    func amount(_ name: String) throws(MCPToolError) -> Int {
        let number: Int
        switch self.values[name] {
        case .int(let value)?: number = value
        case .double(let value)? where value.rounded() == value && abs(value) < 1e15: number = Int(value)
        case nil, .null?: throw .invalid(name, "\(name) is required")
        default: throw .invalid(name, "\(name) must be an integer in minor units (e.g. 1250 for 12.50)")
        }
        guard number >= 1, number <= CheckoutCart.maximumUnitAmount else {
            throw .invalid(name, "\(name) must be from 1 to \(CheckoutCart.maximumUnitAmount)")
        }
        return number
    }

    /// A three-letter currency code.
    func currency(_ name: String) throws(MCPToolError) -> String {
        let currency = try self.string(name)
        guard currency.count == 3, currency.allSatisfy(\.isLetter) else {
            throw .invalid(name, "\(name) must be a three-letter ISO 4217 code")
        }
        return currency.lowercased()
    }

    /// The `cart` object in the CLI's cart format, checked as `agent-retry checkout` checks a cart
    /// file; a refusal names the field (`cart.line_items[0].id`).
    func cart(required: Bool = true) throws(MCPToolError) -> CheckoutCart? {
        guard let value = self.values["cart"], !value.isNull else {
            if required { throw .invalid("cart", "cart is required") }
            return nil
        }
        guard value.objectValue != nil else { throw .invalid("cart", "cart must be a JSON object") }
        let data: Data
        do {
            data = try JSONEncoder().encode(value)
        } catch {
            throw .invalid("cart", "cart is not JSON")
        }
        guard data.count <= CheckoutCartInput.maximumSize else { throw .invalid("cart", "the cart is over 1 MiB") }
        do {
            let cart = try CheckoutCart(parsing: [UInt8](data))
            try cart.validate()
            return cart
        } catch {
            let field = "cart" + error.path.dropFirst()
            throw .invalid(field, "\(field): \(error.message)")
        }
    }
}
