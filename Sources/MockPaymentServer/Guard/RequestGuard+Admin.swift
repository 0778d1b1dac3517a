import Foundation

extension RequestGuard {
    /// The admin API's own checks, after ``refusal(_:family:isHTTP10:localPort:)``: the admin token
    /// in `X-Admin-Token` when one is configured (never `Authorization`, which carries payment API
    /// keys), then `Content-Type: application/json` on every method but `GET` and `HEAD`. A page
    /// may send a cross-origin `text/plain`, form or multipart POST without asking; a JSON one, or
    /// any `DELETE`, needs a CORS preflight, which the server never grants. `nil` lets it through.
    func adminRefusal(_ request: MockRequest) -> MockResponse? {
        let family = RouteFamily.admin
        if let token = self.adminToken {
            let sent = request.headers.filter { $0.name == "x-admin-token" }
            guard !sent.isEmpty else {
                return family.refusal(
                    401,
                    code: "admin_token_required",
                    message: "This server's admin API requires its admin token in the X-Admin-Token header"
                )
            }
            guard sent.count == 1, token.matches(sent[0].value) else {
                return family.refusal(
                    401,
                    code: "invalid_admin_token",
                    message: "The X-Admin-Token header does not carry this server's admin token"
                )
            }
        }
        guard request.method == "GET" || request.method == "HEAD" || Self.isJSON(request) else {
            return family.refusal(
                415,
                code: "unsupported_media_type",
                message: "An admin \(request.method) must be sent with Content-Type: application/json"
            )
        }
        return nil
    }

    /// Whether the one `Content-Type` is `application/json`, parameters (`charset=utf-8`) allowed.
    private static func isJSON(_ request: MockRequest) -> Bool {
        let types = request.headers.filter { $0.name == "content-type" }
        guard types.count == 1 else { return false }
        let media = types[0].value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return media.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}
