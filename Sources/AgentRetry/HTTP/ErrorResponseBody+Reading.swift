extension ErrorResponseBody {
    init?(object: [String: JSONValue]) {
        switch (object["detail"], object["error"]) {
        case (.array(let entries)?, _):
            self.init(validation: entries)
        case (.object(let members)?, _):
            self.init(members: members, envelope: .detail)
        case (.string(let text)?, _):
            self.init(envelope: .detail, message: Self.text(text))
        case (_, .object(let members)?):
            self.init(members: members, envelope: .error)
        case (_, .string(let text)?):
            self.init(envelope: .error, message: Self.text(text))
        default:
            guard
                object["code"]?.stringValue != nil || object["type"]?.stringValue != nil
                    || object["message"]?.stringValue != nil
            else { return nil }
            self.init(members: object, envelope: .topLevel)
        }
    }

    private init(members: [String: JSONValue], envelope: Envelope) {
        let versions = members["supported_versions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.init(
            envelope: envelope,
            type: members["type"]?.stringValue.map(Self.text),
            code: members["code"]?.stringValue.map(Self.text),
            message: members["message"]?.stringValue.map(Self.text),
            param: members["param"]?.stringValue.map(Self.text),
            supportedVersions: versions.prefix(Self.maximumFields).map(Self.text)
        )
    }

    private init(validation entries: [JSONValue]) {
        let fields = entries.prefix(Self.maximumFields).map { entry in
            FieldError(
                path: Self.path(entry["loc"]?.arrayValue ?? []),
                type: entry["type"]?.stringValue.map(Self.text),
                message: entry["msg"]?.stringValue.map(Self.text)
            )
        }
        self.init(
            envelope: .validation,
            message: fields.first.map { "\($0.path): \($0.message ?? $0.type ?? "invalid")" },
            param: fields.first?.path,
            fields: fields
        )
    }

    /// pydantic's `loc` (`["body", "items", 0, "id"]`) as a JSONPath (`$.items[0].id`).
    static func path(_ location: [JSONValue]) -> String {
        var parts = location
        if let first = parts.first?.stringValue, ["body", "query", "header", "path"].contains(first) {
            parts.removeFirst()
        }
        var path = "$"
        for part in parts.prefix(Self.maximumFields) {
            if let number = part.numberValue {
                path += "[\(Int(exactly: number) ?? 0)]"
            } else if let name = part.stringValue {
                path += ".\(Self.text(name))"
            }
        }
        return path
    }

    /// `text` without control or format characters, cut to ``maximumTextLength`` characters.
    static func text(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isControlCharacter }))
        return clean.count > Self.maximumTextLength ? String(clean.prefix(Self.maximumTextLength)) + "…" : clean
    }
}
