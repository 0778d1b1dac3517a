/// A reconciliation that could not go on: the PSP or the store failed. Records settled before it
/// stay settled; running it again continues. The message never holds the API key.
package struct ReconcileError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Hashable { case psp, store, invalidArgument }
        let base: Base
        /// The PSP could not be read, or answered what cannot be used.
        package static let psp = Code(base: .psp)
        /// The store could not be read or written.
        package static let store = Code(base: .store)
        /// An argument (the base URL, the protocol) cannot be used.
        package static let invalidArgument = Code(base: .invalidArgument)
        /// The code's name.
        package var description: String {
            switch self.base {
            case .psp: "psp"
            case .store: "store"
            case .invalidArgument: "invalid_argument"
            }
        }
    }

    /// What went wrong.
    package let code: Code
    /// Details, never a secret.
    package let message: String
    /// The underlying error, if any.
    package let underlying: (any Error)?

    /// Creates an error.
    package init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The code and the details.
    package var description: String { "ReconcileError.\(self.code): \(self.message)" }
}
