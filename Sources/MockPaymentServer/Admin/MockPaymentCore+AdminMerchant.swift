import AgentRetry
import Synchronization

extension MockPaymentCore {
    /// `GET /__admin/merchant` reads the merchant the ACP routes play; `POST` changes the members
    /// it names: `{"profile": "fastapi", "acp_versions": ["2025-09-29"], "discovery": true}`
    /// (`"discovery": null` follows the profile again; `"mcp": {"results": "bare"}` changes how the
    /// `/mcp` endpoint answers, see ``MCPBindingBehaviour``).
    func adminMerchant(_ request: MockRequest) -> MockResponse {
        guard request.method == "POST" else { return .json(200, self.merchant.withLock { $0.json }) }
        let family = RouteFamily.admin
        let body: JSONValue
        do {
            body = try JSONValue(parsing: request.body)
        } catch {
            return family.error(400, code: "invalid_json", message: error.message, param: "$")
        }
        var settings = self.merchant.withLock { $0 }
        if let name = body["profile"] {
            guard let profile = name.stringValue.flatMap(MerchantProfile.init(rawValue:)) else {
                let known = MerchantProfile.allCases.map(\.rawValue).joined(separator: ", ")
                return family.error(
                    400,
                    code: "invalid_profile",
                    message: "profile must be one of \(known)",
                    param: "$.profile"
                )
            }
            settings.profile = profile
        }
        if let names = body["acp_versions"] {
            let list = names.arrayValue?.compactMap(\.stringValue) ?? []
            switch ACPVersion.parse(list) {
            case .success(let versions) where !versions.isEmpty && list.count == names.arrayValue?.count:
                settings.versions = versions
            case .failure(let unknown):
                return family.error(400, code: "invalid_version", message: unknown.description, param: "$.acp_versions")
            default:
                return family.error(
                    400,
                    code: "invalid_version",
                    message: "acp_versions must be a non-empty array of version names",
                    param: "$.acp_versions"
                )
            }
        }
        if let discovery = body["discovery"] {
            guard discovery == .null || discovery.boolValue != nil else {
                return family.error(
                    400,
                    code: "invalid",
                    message: "discovery must be true, false or null",
                    param: "$.discovery"
                )
            }
            settings.servesDiscoveryOverride = discovery.boolValue
        }
        if let mcp = body["mcp"] {
            do {
                settings.mcp = try settings.mcp.changed(by: mcp)
            } catch {
                return family.error(400, code: "invalid", message: error.description, param: error.parameter)
            }
        }
        self.merchant.withLock { $0 = settings }
        return .json(200, settings.json)
    }
}
