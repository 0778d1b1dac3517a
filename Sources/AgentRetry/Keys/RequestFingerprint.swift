import Crypto

/// A request body's fingerprint, kept beside its key: re-invoking an intent with another body is
/// refused before anything is sent.
///
/// JSON bodies are fingerprinted by their RFC 8785 canonical form (key order and `1.0` vs `1` do not
/// matter, `null` differs from absent, array order matters), form bodies by their decoded,
/// sorted pairs, anything else by its bytes. The fingerprint is SHA-256 in hex.
public struct RequestFingerprint: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// 64 lower-case hex characters.
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
