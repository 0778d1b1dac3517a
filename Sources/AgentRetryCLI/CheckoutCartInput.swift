import AgentRetryACP
import ArgumentParser
import Foundation

/// A cart as the commands receive it (a file's bytes, an MCP tool's JSON argument), checked the
/// same way for both: at most 1 MiB, the CLI cart format, ``CheckoutCart/validate()``.
enum CheckoutCartInput {
    /// The largest cart accepted, in bytes.
    static let maximumSize = 1 << 20

    /// The cart in `data`, or a usage error that names the field at fault (`$.line_items[0].id`).
    static func parse(_ data: Data) throws -> CheckoutCart {
        guard data.count <= Self.maximumSize else { throw ValidationError("the cart is over 1 MiB") }
        do {
            let cart = try CheckoutCart(parsing: [UInt8](data))
            try cart.validate()
            return cart
        } catch {
            throw ValidationError("the cart is not usable: \(error)")
        }
    }
}
