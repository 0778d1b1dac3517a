import AgentRetry
import Foundation

extension ACPClient {
    /// The version the client speaks: its `API-Version` and the shape of its bodies.
    public var version: ACPVersion { ACPVersion(rawValue: self.configuration.apiVersion) }

    /// The same client speaking `version`.
    package func speaking(_ version: ACPVersion) -> ACPClient {
        var configuration = self.configuration
        configuration.apiVersion = version.rawValue
        return ACPClient(client: self.client, configuration: configuration)
    }

    /// The intent of a later step of a task whose session was created in `version`: as
    /// ``stepIntent(namespace:taskID:anchor:step:body:)`` over the encoded body, with the version
    /// among the inputs for every version but 2026-04-17 (whose keys stay those of earlier releases).
    package func stepIntent(
        namespace: String,
        taskID: String,
        anchor: String,
        step: String,
        encoded body: JSONValue,
        version: ACPVersion
    ) -> IdempotencyIntent {
        var inputs: [String: JSONValue] = [
            "merchant": .string(self.configuration.baseURL), "task_id": .string(taskID),
            "checkout_session_id": .string(anchor),
            "body_sha256": .string((try? RequestFingerprint.json(body))?.rawValue ?? ""),
        ]
        if version != .v2026_04_17 { inputs["api_version"] = .string(version.rawValue) }
        return IdempotencyIntent(
            namespace: namespace,
            operation: "acp.checkout_session.\(step)",
            inputs: .object(inputs)
        )
    }

    /// The versions the merchant's `/.well-known/acp.json` (at the base URL's origin) lists, or
    /// `nil` when it serves none: a 404, an unreachable host, a body that is no discovery document,
    /// or one that lists no version as a `YYYY-MM-DD` date.
    package func discoveredVersions() async -> [ACPVersion]? {
        guard var components = URLComponents(string: self.configuration.baseURL), components.host != nil else {
            return nil
        }
        components.path = "/.well-known/acp.json"
        components.query = nil
        components.fragment = nil
        guard let url = components.string else { return nil }
        let headers: HTTPHeaders = ["Accept": "application/json", "User-Agent": self.configuration.userAgent]
        guard let response = try? await SafeRead(client: self.client).get(url, headers: headers),
            response.status == 200,
            let document = try? ACPDiscoveryResponse(parsing: response.body)
        else { return nil }
        // A hostile document cannot flood the negotiation: dates only, at most 50 of them.
        let versions = document.supportedVersions.prefix(50).compactMap(ACPVersion.init(validating:))
        return versions.isEmpty ? nil : versions
    }
}
