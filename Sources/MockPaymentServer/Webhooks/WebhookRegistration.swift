import AgentRetry
import Foundation

/// A webhook endpoint as `POST /__admin/webhooks` registers it: where to send, how to sign, which
/// faults to suffer, and how many attempts an event gets.
struct WebhookRegistration: Sendable {
    /// Why a registration body was refused, with the JSON path of the member at fault.
    struct Problem: Error, Sendable {
        /// What is wrong.
        let message: String
        /// The member's JSON path.
        let param: String

        init(_ message: String, param: String) {
            self.message = message
            self.param = param
        }
    }

    /// The members a registration accepts.
    static let members: Set<String> = ["url", "scheme", "secret", "faults", "max_attempts"]

    /// The URL as given.
    let url: String
    /// The host to connect to.
    let host: String
    /// The port to connect to.
    let port: Int
    /// The request target: path and query.
    let target: String
    let scheme: WebhookScheme
    /// The HMAC key the secret stands for.
    let key: [UInt8]
    let faults: WebhookFaults
    /// Attempts per event before it is given up, the first included.
    let maxAttempts: Int

    /// Reads a registration body.
    init(json: JSONValue) throws(Problem) {
        guard let object = json.objectValue else { throw Problem("The body must be a JSON object", param: "$") }
        if let unknown = object.keys.sorted().first(where: { !Self.members.contains($0) }) {
            throw Problem("Unknown member \(unknown)", param: "$.\(unknown)")
        }
        guard let url = object["url"]?.stringValue, let components = URLComponents(string: url),
            components.scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw Problem("url must be an http:// URL with a host", param: "$.url")
        }
        guard let schemeName = object["scheme"]?.stringValue, let scheme = WebhookScheme(rawValue: schemeName) else {
            throw Problem("scheme must be one of acp, stripe, standard", param: "$.scheme")
        }
        guard let secret = object["secret"]?.stringValue, let key = scheme.key(secret: secret) else {
            let expected = scheme == .standard ? "whsec_ followed by base64" : "a non-empty string"
            throw Problem("secret must be \(expected)", param: "$.secret")
        }
        let maxAttempts = object["max_attempts"].map { $0.integerValue ?? 0 } ?? 20
        guard (1...1000).contains(maxAttempts) else {
            throw Problem("max_attempts must be an integer from 1 to 1000", param: "$.max_attempts")
        }
        self.url = url
        self.host = host
        self.port = components.port ?? 80
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.target = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        self.scheme = scheme
        self.key = key
        if let faults = object["faults"] {
            self.faults = try WebhookFaults(json: faults)
        } else {
            self.faults = WebhookFaults()
        }
        self.maxAttempts = maxAttempts
    }
}
