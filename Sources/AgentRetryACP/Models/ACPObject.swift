import AgentRetry
import Foundation

/// An ACP object, kept as the JSON members the peer sent, with typed accessors on top.
///
/// Keeping the members makes every object round-trip exactly: members this code does not know are
/// preserved, `null` and absent stay distinct (`nil` through a typed setter removes the member;
/// ``setNull(_:)`` writes `null`, which ACP reads as "clear this field"), and values of enums newer
/// than this code are kept as they are. Decoding checks the required fields and the types of the
/// known fields, so a typed accessor never fails on a decoded object.
public protocol ACPObject: ACPValue, Codable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The object's JSON members, unknown ones included.
    var members: [String: JSONValue] { get set }
    /// The known fields, for checking a decoded object.
    static var fields: [ACPField] { get }
    /// Creates the object from members without checking them; ``init(members:path:)`` checks.
    init(uncheckedMembers members: [String: JSONValue])
}

/// A known field of an ``ACPObject``: its name, type and whether ACP requires it.
public struct ACPField: Sendable {
    let name: String
    let required: Bool
    let check: @Sendable (JSONValue, String) throws(ACPDecodingError) -> Void

    /// A field the object must have.
    public static func required<T: ACPValue>(_ name: String, _ type: T.Type) -> ACPField {
        ACPField(name: name, required: true) { json, path throws(ACPDecodingError) in
            _ = try T(acpJSON: json, path: path)
        }
    }

    /// A field the object may have; `null` is accepted and kept.
    public static func optional<T: ACPValue>(_ name: String, _ type: T.Type) -> ACPField {
        ACPField(name: name, required: false) { json, path throws(ACPDecodingError) in
            _ = try T(acpJSON: json, path: path)
        }
    }
}

extension ACPObject {
    /// Creates the object from JSON members, checking required fields and known fields' types.
    public init(members: [String: JSONValue], path: String = "$") throws(ACPDecodingError) {
        for field in Self.fields {
            let fieldPath = "\(path).\(field.name)"
            guard let value = members[field.name], value != .null else {
                if field.required { throw .missing(fieldPath) }
                continue
            }
            try field.check(value, fieldPath)
        }
        self.init(uncheckedMembers: members)
    }

    /// Reads the object from a JSON object.
    public init(acpJSON json: JSONValue, path: String) throws(ACPDecodingError) {
        guard case .object(let members) = json else { throw .typeMismatch(path, expected: "an object", found: json) }
        try self.init(members: members, path: path)
    }

    /// Parses the object from UTF-8 JSON bytes.
    public init(parsing bytes: some Collection<UInt8>) throws(ACPDecodingError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            throw ACPDecodingError(code: .invalidJSON, path: "$", message: error.message)
        }
        try self.init(acpJSON: json, path: "$")
    }

    /// The JSON object.
    public var acpJSON: JSONValue { .object(self.members) }

    /// Decodes through `JSONValue`, keeping every member.
    public init(from decoder: any Decoder) throws {
        try self.init(acpJSON: try JSONValue(from: decoder), path: "$")
    }

    /// Encodes every member, unknown ones and explicit `null`s included.
    public func encode(to encoder: any Encoder) throws {
        try self.acpJSON.encode(to: encoder)
    }

    /// A field's typed value; `nil` when absent, `null` or (only after raw edits) of another type.
    public func value<T: ACPValue>(_ name: String, as type: T.Type = T.self) -> T? {
        guard let json = self.members[name], json != .null else { return nil }
        return try? T(acpJSON: json, path: "$.\(name)")
    }

    /// Sets a field; `nil` removes the member (absent: "leave it as it is").
    public mutating func setValue<T: ACPValue>(_ name: String, _ value: T?) {
        self.members[name] = value?.acpJSON
    }

    /// Whether the member is present and `null`.
    public func isNull(_ name: String) -> Bool { self.members[name] == .null }

    /// Sets the member to `null`: in an ACP update, "clear this field".
    public mutating func setNull(_ name: String) { self.members[name] = .null }

    /// The object as compact JSON, with payment credentials, card data and secrets redacted.
    public var description: String {
        "\(Self.self)(\(String(decoding: ACPRedaction.redacted(self.acpJSON).serialized(), as: UTF8.self)))"
    }

    /// What `dump` and debuggers show: the redacted JSON, never a credential.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["members": String(decoding: ACPRedaction.redacted(self.acpJSON).serialized(), as: UTF8.self)]
        )
    }
}

/// Removes values that must never reach a log: tokens, card numbers, security codes.
enum ACPRedaction {
    static let sensitiveNames: Set<String> = [
        "token", "payment_token", "number", "cvc", "three_ds_cryptogram", "cryptogram", "secret", "api_key",
        "authorization",
    ]

    /// Known names, and any name ending in `token`, `secret` or `password` (`access_token`, `client_secret`).
    static func isSensitive(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return Self.sensitiveNames.contains(lowered)
            || ["token", "secret", "password"].contains { lowered.hasSuffix($0) }
    }

    static func redacted(_ json: JSONValue) -> JSONValue {
        switch json {
        case .object(let members):
            return .object(
                Dictionary(
                    uniqueKeysWithValues: members.map { name, value in
                        (name, Self.isSensitive(name) && value != .null ? .string("[redacted]") : Self.redacted(value))
                    }
                )
            )
        case .array(let elements):
            return .array(elements.map(Self.redacted))
        default:
            return json
        }
    }
}
