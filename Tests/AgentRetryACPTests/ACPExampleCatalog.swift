import AgentRetry
import AgentRetryACP
import Foundation
import Testing

/// The vendored example payloads of every released ACP version (Resources/acp-examples), and which
/// model reads each one.
enum ACPExampleCatalog {
    /// One example: where it is and the model that reads it.
    struct Entry: Sendable, CustomStringConvertible {
        /// `<version>/<file>#<key>`, such as `2025-09-29/examples.agentic_checkout.json#webhook_order_create_event`.
        let name: String
        let json: JSONValue
        let model: any ACPObject.Type
        var description: String { self.name }
    }

    static let versions = ACPVersion.released.map(\.rawValue)

    /// Examples of other APIs than agentic checkout (delegate payment, feed, delegate authentication) or
    /// without a body (an MCP call naming only a session id): no model of this module reads them.
    static func isOutOfScope(file: String, key: String) -> Bool {
        if file.hasSuffix("examples.delegate_authentication.json") { return true }
        if file.hasSuffix("examples.delegate_payment.json") || file.hasSuffix("examples.feed.json") {
            return !key.contains("error")
        }
        if file.hasSuffix("examples.mcp.agentic_checkout.json") {
            return key == "get_checkout_session_request"
        }
        return false
    }

    /// The model for a top-level key of a checkout examples file; `nil` when none fits.
    static func model(forKey key: String) -> (any ACPObject.Type)? {
        if key.hasPrefix("error_") || key.contains("_error_") { return ACPError.self }
        if key.hasPrefix("webhook_") { return ACPWebhookEvent.self }
        if key.hasPrefix("authentication_result") { return AuthenticationResult.self }
        if key.hasPrefix("discovery_response") { return ACPDiscoveryResponse.self }
        if key.contains("_request") {
            if key.hasPrefix("update") { return CheckoutSessionUpdateRequest.self }
            if key.hasPrefix("complete") { return CheckoutSessionCompleteRequest.self }
            if key.hasPrefix("cancel") { return CheckoutSessionCancelRequest.self }
            return CheckoutSessionCreateRequest.self  // create_..., and capability negotiation's creates
        }
        if key.contains("_response") || key.hasPrefix("checkout_session") { return CheckoutSession.self }
        return nil
    }

    /// The payload of an MCP (JSON-RPC) example: the call's `payload`, the result, or the error's `data`.
    static func mcpPayload(_ json: JSONValue) -> JSONValue? {
        json["params"]?["arguments"]?["payload"] ?? json["result"] ?? json["error"]?["data"]
    }

    /// Every example with a model, and the names of those without one (neither out of scope nor read).
    static func load() throws -> (entries: [Entry], unread: [String]) {
        var entries: [Entry] = []
        var unread: [String] = []
        for version in Self.versions {
            for file in try Self.files(of: version) {
                let url = try #require(Bundle.module.resourceURL).appendingPathComponent(
                    "acp-examples/\(version)/\(file)"
                )
                let json = try JSONValue(parsing: [UInt8](Data(contentsOf: url)))
                let prefix = "\(version)/\(file)"
                if file.hasPrefix("orders/") {
                    entries.append(Entry(name: prefix, json: json, model: ACPOrder.self))
                    continue
                }
                for (key, value) in try #require(json.objectValue).sorted(by: { $0.key < $1.key }) {
                    let name = "\(prefix)#\(key)"
                    if Self.isOutOfScope(file: file, key: key) { continue }
                    if file.hasPrefix("discount-extension/") {
                        if key == "request" {
                            entries.append(Entry(name: name, json: value, model: CheckoutSessionCreateRequest.self))
                        }
                        if key == "response" {
                            entries.append(Entry(name: name, json: value, model: CheckoutSession.self))
                        }
                        continue
                    }
                    let payload = file.contains(".mcp.") ? Self.mcpPayload(value) : value
                    guard let model = Self.model(forKey: key), let payload else {
                        unread.append(name)
                        continue
                    }
                    entries.append(Entry(name: name, json: payload, model: model))
                }
            }
        }
        return (entries, unread)
    }

    /// The JSON files of a version's folder, subfolders included, as relative paths.
    static func files(of version: String) throws -> [String] {
        let root = try #require(Bundle.module.resourceURL).appendingPathComponent("acp-examples/\(version)")
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
    }

    /// One version's checkout examples by key (`examples.agentic_checkout.json`).
    static func checkout(_ version: ACPVersion) throws -> [String: JSONValue] {
        let url = try #require(Bundle.module.resourceURL)
            .appendingPathComponent("acp-examples/\(version.rawValue)/examples.agentic_checkout.json")
        return try #require(try JSONValue(parsing: [UInt8](Data(contentsOf: url))).objectValue)
    }
}
