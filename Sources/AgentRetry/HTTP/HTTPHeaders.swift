/// An ordered list of HTTP header fields.
///
/// Names compare case-insensitively and may repeat; the order in which fields were added is kept,
/// and that is the order in which they are sent. Nothing is validated when a field is added:
/// ``HTTPTransport`` checks every field before it sends anything and refuses a name that is not an
/// RFC 9110 token, or a name or value that contains CR, LF or NUL, with
/// ``HTTPTransportError/Code-swift.struct/invalidHeader``.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible, CustomReflectable
{
    /// One header field.
    public struct Field: Sendable, Hashable {
        /// The field name, as given.
        public var name: String
        /// The field value, as given.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// Creates an empty header list.
    public init() {
        self.fields = []
    }

    /// Creates a header list from name-value pairs, kept in order.
    public init(_ pairs: [(String, String)]) {
        self.fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Creates a header list from a literal, kept in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields, repeats included.
    public var count: Int { self.fields.count }

    /// Whether the list has no field.
    public var isEmpty: Bool { self.fields.isEmpty }

    /// Appends a field, keeping any field of the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Replaces every field of this name (compared case-insensitively) by one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        self.remove(name: name)
        self.add(name: name, value: value)
    }

    /// Removes every field of this name (compared case-insensitively).
    public mutating func remove(name: String) {
        self.fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Every value of the fields with this name (compared case-insensitively), in order.
    public subscript(name: String) -> [String] {
        self.fields.compactMap { Self.namesMatch($0.name, name) ? $0.value : nil }
    }

    /// The first value of the field with this name (compared case-insensitively), if any.
    public func first(name: String) -> String? {
        self.fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Whether a field of this name (compared case-insensitively) is present.
    public func contains(name: String) -> Bool {
        self.fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        self.fields.makeIterator()
    }

    /// The field names only: values can hold credentials and are never printed.
    public var description: String {
        "HTTPHeaders(" + self.fields.map(\.name).joined(separator: ", ") + ")"
    }

    /// Removes and returns the last field.
    mutating func popLast() -> Field? {
        self.fields.popLast()
    }

    /// The field names only, so that `dump` and debuggers print no value either.
    public var customMirror: Mirror {
        Mirror(self, unlabeledChildren: self.fields.map(\.name), displayStyle: .collection)
    }

    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.lowercased() == rhs.lowercased()
    }
}
