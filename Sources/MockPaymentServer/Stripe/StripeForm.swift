/// A form-encoded Stripe request body, with bracket notation (`metadata[task_id]=t1`) decoded.
struct StripeForm {
    /// A body that cannot be decoded, naming the parameter.
    struct Malformed: Error {
        let parameter: String
        let message: String
    }

    /// Plain parameters.
    private(set) var values: [String: String] = [:]
    /// `metadata[...]` entries.
    private(set) var metadata: [String: String] = [:]
    /// Every decoded `name=value` pair, sorted: the idempotency fingerprint.
    private(set) var pairs: [String] = []

    init(body: [UInt8]) throws(Malformed) {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw Malformed(parameter: "", message: "The request body is not valid UTF-8.")
        }
        for field in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count == 2 ? parts[1] : "") else {
                throw Malformed(
                    parameter: String(parts[0]),
                    message: "Invalid percent-encoding in parameter \(parts[0])."
                )
            }
            guard !name.isEmpty else { throw Malformed(parameter: "", message: "A parameter has an empty name.") }
            self.pairs.append("\(name)=\(value)")
            if let open = name.firstIndex(of: "[") {
                let base = String(name[..<open])
                guard name.hasSuffix("]") else {
                    throw Malformed(parameter: name, message: "Invalid bracket notation in parameter \(name).")
                }
                let inner = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
                switch base {
                case "metadata" where !inner.isEmpty && !inner.contains("[") && !inner.contains("]"):
                    self.metadata[inner] = value
                case "expand", "payment_method_types":
                    continue
                default:
                    throw Malformed(parameter: name, message: "Received unknown parameter: \(name)")
                }
            } else {
                self.values[name] = value
            }
        }
        self.pairs.sort()
    }

    /// The names of plain parameters not in `allowed`.
    func unknownParameters(allowed: Set<String>) -> [String] {
        self.values.keys.filter { !allowed.contains($0) }.sorted()
    }

    /// A positive integer parameter, or the parameter's name when it is not one.
    func positiveInteger(_ name: String) -> Result<Int?, Malformed> {
        guard let text = self.values[name] else { return .success(nil) }
        guard let value = Int(text), value > 0 else {
            return .failure(
                Malformed(parameter: name, message: "Invalid positive integer: \(name) must be a positive integer.")
            )
        }
        return .success(value)
    }

    /// A Boolean parameter (`true`/`false`), or the parameter's name when it is neither.
    func boolean(_ name: String) -> Result<Bool?, Malformed> {
        guard let text = self.values[name] else { return .success(nil) }
        switch text {
        case "true": return .success(true)
        case "false": return .success(false)
        default: return .failure(Malformed(parameter: name, message: "Invalid boolean: \(name) must be true or false."))
        }
    }

    /// Percent-decoding with `+` as space, as `application/x-www-form-urlencoded` defines it.
    private static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
