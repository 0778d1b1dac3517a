import Crypto

/// A request's fingerprint, kept beside its key: re-invoking an intent with another body, for
/// another target or with other credentials is refused before anything is sent.
///
/// JSON bodies are fingerprinted by their RFC 8785 canonical form (key order and `1.0` vs `1` do not
/// matter, `null` differs from absent, array order matters), form bodies by their decoded,
/// sorted pairs, anything else by its bytes. The body's fingerprint is SHA-256 in hex.
///
/// ``IdempotentClient`` adds two parts (see `Documentation/Keys.md`): the digest of the request's
/// target (method, scheme, host, port, path, PSP profile) and a keyed digest of its credential
/// headers, so its records hold `BODY.TARGET.CREDENTIALS`. Records written before hold `BODY` alone,
/// and only their body is compared.
public struct RequestFingerprint: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// 64 lower-case hex characters (the body's fingerprint), optionally followed by `.` and the
    /// target's digest and `.` and the credentials' digest (64 each).
    public let rawValue: String

    /// Wraps a stored fingerprint.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The fingerprint of a JSON body.
    public static func json(_ value: JSONValue) throws(JSONValue.CanonicalizationError) -> RequestFingerprint {
        Self.of(bytes: try value.canonicalized(), kind: "json")
    }

    /// The fingerprint of an `application/x-www-form-urlencoded` body: the order of fields does
    /// not matter, their decoded names and values do.
    public static func form(_ body: String) -> RequestFingerprint {
        let pairs = body.split(separator: "&").map { field -> String in
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).formDecoded
            let value = parts.count == 2 ? String(parts[1]).formDecoded : ""
            return name + "=" + value
        }
        return Self.of(bytes: Array(pairs.sorted().joined(separator: "&").utf8), kind: "form")
    }

    /// The fingerprint of any other body, byte for byte.
    public static func bytes(_ body: [UInt8]) -> RequestFingerprint {
        Self.of(bytes: body, kind: "bytes")
    }

    private static func of(bytes: [UInt8], kind: String) -> RequestFingerprint {
        var hasher = SHA256()
        hasher.update(data: Array(kind.utf8) + [0])
        hasher.update(data: bytes)
        let digest = hasher.finalize()
        return RequestFingerprint(rawValue: digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined())
    }

    /// The hex digest.
    public var description: String { self.rawValue }

    /// The fingerprint of the body alone: what ``json(_:)``, ``form(_:)`` and ``bytes(_:)`` make.
    public var body: RequestFingerprint {
        guard let dot = self.rawValue.firstIndex(of: ".") else { return self }
        return RequestFingerprint(rawValue: String(self.rawValue[..<dot]))
    }

    /// The target's digest, when the fingerprint has one.
    package var target: String? { self.part(1) }

    /// The credentials' digest, when the fingerprint has one.
    package var credentials: String? { self.part(2) }

    /// This body's fingerprint with the target's and the credentials' digests.
    package func adding(target: String, credentials: String) -> RequestFingerprint {
        RequestFingerprint(rawValue: "\(self.body.rawValue).\(target).\(credentials)")
    }

    /// What differs between a request's fingerprint and the `stored` one of its intent, if anything:
    /// the body first, then the target (when the stored one has it), then the credentials (when
    /// the stored one has them and `comparingCredentials`).
    package func difference(
        from stored: RequestFingerprint,
        comparingCredentials: Bool
    ) -> Difference? {
        if self.body != stored.body { return .body }
        if let target = stored.target, target != self.target { return .target }
        if comparingCredentials, let credentials = stored.credentials, credentials != self.credentials {
            return .credentials
        }
        return nil
    }

    /// Which part of a request's fingerprint differs from the stored one.
    package enum Difference: Sendable, Hashable {
        /// The body.
        case body
        /// The method, scheme, host, port, path or profile.
        case target
        /// A credential header (`Authorization`, `X-API-Key`, `Stripe-Account`).
        case credentials
    }

    private func part(_ index: Int) -> String? {
        let parts = self.rawValue.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count > index ? String(parts[index]) : nil
    }
}

extension String {
    /// Percent-decoding with `+` as space; undecodable input stays as it is.
    var formDecoded: String {
        var bytes: [UInt8] = []
        var iterator = self.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
