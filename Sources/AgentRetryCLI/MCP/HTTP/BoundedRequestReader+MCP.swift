import Foundation
import MCP
import NIOHTTP1

extension BoundedRequestReader {
    /// The SDK's view of a request: headers named more than once joined with ", " (RFC 9110).
    static func request(_ head: HTTPRequestHead, body: Data?) -> HTTPRequest {
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = headers.keys.first { $0.caseInsensitiveCompare(name) == .orderedSame } ?? name
            headers[key] = headers[key].map { "\($0), \(value)" } ?? value
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
        return HTTPRequest(method: head.method.rawValue, headers: headers, body: body, path: path.map(String.init))
    }
}
