import Foundation

/// What every store does the same way when it turns a record into columns and back, so that stores
/// agree on the stored form and on the errors a bad row gives.
extension IdempotencyRecord {
    /// The outcome's headers as stored: a JSON object of strings.
    public static func storedHeaders(_ headers: [String: String]) -> String {
        String(decoding: JSONValue.object(headers.mapValues(JSONValue.string)).serialized(), as: UTF8.self)
    }

    /// Checks a stored row's record format.
    /// - Throws: ``IdempotencyStoreError`` `unsupportedSchema` for a newer format than ``storageFormat``.
    public static func checkStoredFormat(_ format: Int, key: String?) throws(IdempotencyStoreError) {
        guard format <= Self.storageFormat else {
            throw IdempotencyStoreError(code: .unsupportedSchema,
                message: "record \(key ?? "?") is in format \(format), written by a newer AgentRetry (this one reads format \(Self.storageFormat))")
        }
    }

    /// A stored row's state.
    /// - Throws: ``IdempotencyStoreError`` `corruptRecord`, naming the key, for an unknown state.
    public static func storedState(_ text: String, key: String?) throws(IdempotencyStoreError) -> State {
        guard let state = State(rawValue: text) else {
            throw IdempotencyStoreError(code: .corruptRecord, message: "record \(key ?? "?"): unknown state \(text)")
        }
        return state
    }

    /// A stored row's outcome, from its status, its headers (as ``storedHeaders(_:)`` wrote them;
    /// `nil` reads as none) and its body.
    /// - Throws: ``IdempotencyStoreError`` `corruptRecord`, naming the key, for unreadable headers.
    public static func storedOutcome(status: Int, headers: String?, body: [UInt8], key: String?) throws(IdempotencyStoreError) -> Outcome {
        guard let object = (try? JSONValue(parsing: Array((headers ?? "{}").utf8)))?.objectValue else {
            throw IdempotencyStoreError(code: .corruptRecord, message: "record \(key ?? "?"): unreadable outcome headers")
        }
        return Outcome(status: status, headers: object.compactMapValues(\.stringValue), body: body)
    }
}
