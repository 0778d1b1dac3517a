import AgentRetry
import Foundation

/// What a webhook's headers say: the signed timestamp, the signatures, the event id where the scheme
/// has one, and the bytes signed before the body. Parsing never keeps or reports a header's value.
struct SignedParts {
    var timestamp: Int64
    var signatures: [[UInt8]]
    var eventID: String?
    var prefix: [UInt8]

    /// The longest timestamp read: 12 digits are Unix seconds until the year 33658.
    static let maximumTimestampDigits = 12
    /// The size of an HMAC-SHA256.
    static let signatureSize = 32

    init(scheme: WebhookScheme, headers: HTTPHeaders) throws(WebhookVerificationError) {
        switch scheme.base {
        case .acp, .stripe:
            let value = try Self.header(scheme.signatureHeader, in: headers, scheme: scheme)
            let (timestamp, signatures) = try Self.parseTimestampAndV1(value, scheme: scheme)
            self.init(timestamp: timestamp, signatures: signatures, eventID: nil, prefix: Array("\(timestamp).".utf8))
        case .standardWebhooks:
            let id = try Self.header("webhook-id", in: headers, scheme: scheme)
            let stamp = try Self.header("webhook-timestamp", in: headers, scheme: scheme)
            guard let timestamp = Self.seconds(stamp) else {
                throw Self.malformed(scheme, "webhook-timestamp", "is not a whole number of Unix seconds")
            }
            let value = try Self.header("webhook-signature", in: headers, scheme: scheme)
            let signatures = try Self.parseStandardSignatures(value)
            self.init(timestamp: timestamp, signatures: signatures, eventID: id, prefix: Array("\(id).\(stamp).".utf8))
        }
    }

    private init(timestamp: Int64, signatures: [[UInt8]], eventID: String?, prefix: [UInt8]) {
        self.timestamp = timestamp
        self.signatures = signatures
        self.eventID = eventID
        self.prefix = prefix
    }

    /// The one value of header `name`, trimmed: missing when absent or empty, malformed when repeated.
    static func header(
        _ name: String,
        in headers: HTTPHeaders,
        scheme: WebhookScheme
    ) throws(WebhookVerificationError) -> String {
        let values = headers[name]
        if values.count > 1 { throw Self.malformed(scheme, name, "appears \(values.count) times") }
        let value = values.first?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !value.isEmpty else {
            throw WebhookVerificationError(.missingHeader, scheme: scheme, header: name, message: "\(name) is missing")
        }
        return value
    }

    /// `t=<seconds>,v1=<64 hex>[,v1=...]`, elements in any order; other keys (`v0`, a future scheme)
    /// are ignored, as Stripe's own libraries do.
    static func parseTimestampAndV1(
        _ value: String,
        scheme: WebhookScheme
    ) throws(WebhookVerificationError) -> (Int64, [[UInt8]]) {
        let name = scheme.signatureHeader
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for element in value.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = element.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "=") else {
                throw Self.malformed(scheme, name, "has an element that is not key=value")
            }
            let key = pair[..<equals]
            let item = pair[pair.index(after: equals)...]
            switch key {
            case "t":
                guard timestamp == nil else { throw Self.malformed(scheme, name, "has t= more than once") }
                guard let seconds = Self.seconds(item) else {
                    throw Self.malformed(scheme, name, "has a t= that is not a whole number of Unix seconds")
                }
                timestamp = seconds
            case "v1":
                guard let signature = Self.hexBytes(item), signature.count == Self.signatureSize else {
                    throw Self.malformed(scheme, name, "has a v1= that is not 64 hexadecimal digits")
                }
                signatures.append(signature)
            default:
                continue
            }
        }
        guard let timestamp else { throw Self.malformed(scheme, name, "has no t= timestamp") }
        guard !signatures.isEmpty else { throw Self.malformed(scheme, name, "has no v1= signature") }
        return (timestamp, signatures)
    }

    /// `v1,<base64> v1,<base64> ...`, space-separated; other versions (`v1a`, asymmetric) are ignored.
    static func parseStandardSignatures(_ value: String) throws(WebhookVerificationError) -> [[UInt8]] {
        let name = "webhook-signature"
        var signatures: [[UInt8]] = []
        for entry in value.split(separator: " ") {
            guard let comma = entry.firstIndex(of: ",") else {
                throw Self.malformed(.standardWebhooks, name, "has a signature that is not version,base64")
            }
            guard entry[..<comma] == "v1" else { continue }
            let encoded = String(entry[entry.index(after: comma)...])
            guard let data = Data(base64Encoded: encoded), data.count == Self.signatureSize else {
                throw Self.malformed(.standardWebhooks, name, "has a v1 signature that is not 32 bytes of base64")
            }
            signatures.append(Array(data))
        }
        guard !signatures.isEmpty else { throw Self.malformed(.standardWebhooks, name, "has no v1 signature") }
        return signatures
    }

    /// Decimal digits only (no sign, no fraction), at most ``maximumTimestampDigits``.
    static func seconds(_ text: some StringProtocol) -> Int64? {
        guard (1...Self.maximumTimestampDigits).contains(text.utf8.count),
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int64(text)
    }

    /// The bytes of an even number of hexadecimal digits, either case.
    static func hexBytes(_ text: some StringProtocol) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func malformed(_ scheme: WebhookScheme, _ header: String, _ what: String) -> WebhookVerificationError
    {
        WebhookVerificationError(.malformedHeader, scheme: scheme, header: header, message: "\(header) \(what)")
    }
}
