extension Unicode.Scalar.Properties {
    /// Controls and format characters (bidirectional overrides, zero-width joiners): what could
    /// rewrite a terminal or a log line.
    var isControlCharacter: Bool { self.generalCategory == .control || self.generalCategory == .format }
}
