/// An idempotency key as sent in the PSP's header.
public struct IdempotencyKey: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The key text.
    public let rawValue: String

    /// Wraps a key text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The key text: a key is not a secret (the namespace secret that derives it is).
    public var description: String { self.rawValue }
}

extension IdempotencyKey {
    /// How a derived key is written.
    public struct Format: Sendable, Hashable, CustomStringConvertible {
        enum Style: Hashable { case prefixedBase64URL, uuidVersion8, hex }
        let style: Style

        /// `ar1_` and the 256-bit MAC in unpadded base64url: 47 characters. The default; fits
        /// Stripe, ACP (255) and Adyen (64).
        public static let standard = Format(style: .prefixedBase64URL)
        /// An RFC 9562 version 8 UUID built from the MAC's first 122 bits, for servers that want a
        /// UUID: 36 characters.
        public static let uuid = Format(style: .uuidVersion8)
        /// The whole MAC in lower-case hex: 64 characters.
        public static let hex = Format(style: .hex)

        /// The length of every key in this format.
        public var length: Int {
            switch self.style {
            case .prefixedBase64URL: 47
            case .uuidVersion8: 36
            case .hex: 64
            }
        }

        /// The format's name.
        public var description: String {
            switch self.style {
            case .prefixedBase64URL: "standard"
            case .uuidVersion8: "uuid"
            case .hex: "hex"
            }
        }

        /// Writes a 32-byte MAC in this format.
        func render(_ mac: [UInt8]) -> String {
            switch self.style {
            case .prefixedBase64URL:
                return "ar1_" + Self.base64URL(mac)
            case .hex:
                return mac.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
            case .uuidVersion8:
                var bytes = Array(mac.prefix(16))
                bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
                bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10
                let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
                let characters = Array(hex)
                return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
            }
        }

        static func base64URL(_ bytes: [UInt8]) -> String {
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            var output: [UInt8] = []
            var index = 0
            while index < bytes.count {
                let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
                let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
                for position in 0...chunk.count {
                    output.append(alphabet[(value >> (18 - 6 * position)) & 63])
                }
                index += 3
            }
            return String(decoding: output, as: UTF8.self)
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: "0", count: width - self.count) + self
    }
}
