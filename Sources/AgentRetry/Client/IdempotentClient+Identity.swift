import Crypto

extension IdempotentClient {
    /// The headers that say whose account a request acts on. Their values are kept only as a
    /// digest keyed by the namespace secret, never in clear.
    static let credentialHeaderNames = ["Authorization", "X-API-Key", "Stripe-Account"]

    /// The request's fingerprint as the client keeps it: the body's, the target's digest and the
    /// credentials' keyed digest (`Documentation/Keys.md`, "What a record remembers of its request").
    func fingerprint(of request: HTTPRequest, target: RequestTarget, profile: PSPProfile) -> RequestFingerprint {
        Self.bodyFingerprint(of: request).adding(
            target: Self.targetDigest(of: request, target: target, profile: profile),
            credentials: self.credentialsDigest(of: request)
        )
    }

    /// SHA-256 in hex of the canonical method, scheme, host, port, path and profile name.
    static func targetDigest(of request: HTTPRequest, target: RequestTarget, profile: PSPProfile) -> String {
        let identity: JSONValue = [
            "agentretry_target": 1,
            "method": .string(request.method.rawValue),
            "scheme": .string(target.scheme),
            "host": .string(target.host),
            "port": .number(Double(target.port)),
            "path": .string(target.path),
            "profile": .string(profile.name),
        ]
        let canonical = (try? identity.canonicalized()) ?? identity.serialized()
        return Self.hex(SHA256.hash(data: canonical))
    }

    /// HMAC-SHA256 in hex, under the namespace secret, of the credential headers' names and values
    /// (an empty list when the request has none): equal for the same credentials, and worthless to
    /// whoever reads the store without the secret.
    func credentialsDigest(of request: HTTPRequest) -> String {
        var fields: [JSONValue] = []
        for name in Self.credentialHeaderNames {
            for value in request.headers[name] {
                fields.append([.string(name.lowercased()), .string(value)])
            }
        }
        let identity: JSONValue = ["agentretry_credentials": 1, "fields": .array(fields)]
        let canonical = (try? identity.canonicalized()) ?? identity.serialized()
        return Self.hex(HMAC<SHA256>.authenticationCode(for: canonical, using: self.deriver.secret.key))
    }

    /// The body's fingerprint: JSON by its canonical form, forms by their sorted fields, else bytes.
    static func bodyFingerprint(of request: HTTPRequest) -> RequestFingerprint {
        let body = request.body ?? []
        let contentType = request.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if contentType.contains("json"), let json = try? JSONValue(parsing: body),
            let fingerprint = try? RequestFingerprint.json(json)
        {
            return fingerprint
        }
        if contentType.isEmpty || contentType.contains("x-www-form-urlencoded") {
            return RequestFingerprint.form(String(decoding: body, as: UTF8.self))
        }
        return RequestFingerprint.bytes(body)
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
