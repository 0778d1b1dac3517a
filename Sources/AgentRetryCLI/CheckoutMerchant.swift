import AgentRetry
import AgentRetryACP
import ArgumentParser
import Foundation

/// The `--protocol` values of the commands that buy (`checkout`, `mcp`) and the merchant each
/// one builds: one place to add a protocol.
enum CheckoutMerchant {
    /// The accepted `--protocol` values, in the order the usage text lists them.
    static let protocols = ["acp", "acp-mcp", "stripe"]

    /// Throws the usage error for a `--protocol` value that is not one of ``protocols``.
    static func validate(protocol name: String) throws {
        guard Self.protocols.contains(name) else {
            throw ValidationError("--protocol must be one of \(Self.protocols.joined(separator: ", "))")
        }
    }

    /// Throws the usage error for a base URL (`--server`, `--pay-server`) that cannot be sent to,
    /// naming the option and the part at fault.
    static func validate(url: String, option: String) throws {
        do {
            try RequestTarget.validate(url)
        } catch {
            throw ValidationError("\(option): \(error.message)")
        }
    }

    /// The merchant of `--protocol name` at `server`, paid with `apiKey` (which its description
    /// never shows).
    static func make(protocol name: String, server: String, apiKey: String) -> CheckoutTask.Merchant {
        switch name {
        case "stripe": .stripe(baseURL: server, apiKey: apiKey)
        case "acp-mcp": .acpMCP(ACPClient.Configuration(baseURL: server, apiKey: apiKey))
        default: .acp(ACPClient.Configuration(baseURL: server, apiKey: apiKey))
        }
    }

    /// The API key from `AGENT_RETRY_API_KEY`, or `nil` when unset or empty.
    static func environmentAPIKey() -> String? {
        guard let key = ProcessInfo.processInfo.environment["AGENT_RETRY_API_KEY"], !key.isEmpty else { return nil }
        return key
    }
}
