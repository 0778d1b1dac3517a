import AgentRetry

extension MockPaymentCore {
    /// `GET /.well-known/acp.json` (ACP's discovery RFC): no authentication, cacheable, the
    /// versions spoken oldest first. A 404 when the merchant does not serve discovery.
    func discovery(_ request: MockRequest, merchant: MerchantSettings) -> MockResponse {
        guard merchant.servesDiscovery else {
            return merchant.error(404, code: "not_found", message: "No route for \(request.method) \(request.path)")
        }
        guard request.method == "GET" else {
            return merchant.error(
                405,
                code: "method_not_allowed",
                message: "\(request.method) is not allowed on \(request.path)"
            )
        }
        let document: JSONValue = [
            "protocol": [
                "name": "acp", "version": .string(merchant.newest.rawValue),
                "supported_versions": .array(merchant.versions.map { .string($0.rawValue) }),
            ],
            "api_base_url": .string(self.baseURL),
            "transports": ["rest"],
            "capabilities": [
                "services": ["checkout"], "intervention_types": ["3ds"], "supported_currencies": ["usd"],
            ],
        ]
        return .json(200, document, headers: [("Cache-Control", "public, max-age=3600")])
    }
}
