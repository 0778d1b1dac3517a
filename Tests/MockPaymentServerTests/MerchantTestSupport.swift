import AgentRetry
import MockPaymentServer

/// An ACP GET with the given `API-Version` (none when `nil`).
func acpRead(_ server: MockPaymentServer, _ path: String, version: String?) -> HTTPRequest {
    var request = HTTPRequest(url: server.baseURL + path)
    request.headers.add(name: "Authorization", value: "Bearer \(testKey)")
    if let version { request.headers.add(name: "API-Version", value: version) }
    return request
}

/// An admin request with an optional JSON body.
func adminRequest(_ server: MockPaymentServer, _ path: String, body: String? = nil) -> HTTPRequest {
    guard let body else { return HTTPRequest(url: server.baseURL + path) }
    var request = HTTPRequest(method: .post, url: server.baseURL + path, body: body)
    request.headers.add(name: "Content-Type", value: "application/json")
    return request
}

/// A server configuration playing `profile`, speaking `versions`.
func merchantConfiguration(
    _ profile: MerchantProfile,
    versions: [String] = MockPaymentServer.releasedACPVersions
) -> MockPaymentServer.Configuration {
    var configuration = MockPaymentServer.Configuration()
    configuration.merchantProfile = profile
    configuration.acpVersions = versions
    return configuration
}

/// The `API-Version` a test sends to a profile: the version itself, except to `fastapi`, which is
/// sent a version that does not exist, to show it reads the shape and not the header.
func versionHeader(_ version: String, for profile: MerchantProfile) -> String {
    profile == .fastapi ? "1999-01-01" : version
}
