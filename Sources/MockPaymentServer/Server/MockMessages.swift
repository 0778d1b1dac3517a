import AgentRetry

/// A complete request as the mock server received it.
public struct MockRequest: Sendable {
    /// The method, upper case.
    public var method: String
    /// The path without its query.
    public var path: String
    /// The query parameters (the last value of a repeated name).
    public var query: [String: String]
    /// The header fields, names lower-cased.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]
    /// Whether an ACP write may go without an `Idempotency-Key` (a tool call of the MCP binding
    /// whose endpoint does not require one).
    var idempotencyKeyOptional = false

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name == lowered }?.value
    }

    /// The path split into segments, without empty ones.
    var segments: [Substring] {
        self.path.split(separator: "/")
    }
}

/// A request refused with the response that says why.
struct RejectedRequest: Error {
    let response: MockResponse
}

/// A response the mock server sends (unless a fault says otherwise).
public struct MockResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// A JSON response.
    static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> MockResponse {
        MockResponse(
            status: status,
            headers: [("Content-Type", "application/json")] + headers,
            body: value.serialized()
        )
    }

    /// Adds or replaces a header.
    func with(header name: String, _ value: String) -> MockResponse {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        copy.headers.append((name, value))
        return copy
    }
}
