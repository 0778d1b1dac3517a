import Foundation
import PostgresNIO

/// Why a PostgreSQL call failed, as the `IdempotencyStoreError.underlying` cause: the
/// client's error code, the server's SQLSTATE and message, and the network error beneath, if any.
///
/// PostgresNIO's own error keeps the query with its bound values, one of which can be the
/// namespace secret; this summary keeps none of them.
public struct PostgresFailure: Error, Sendable, CustomStringConvertible {
    /// PostgresNIO's code for the failure (`connectionError`, `server`, `serverClosedConnection`, ...).
    public let clientCode: String
    /// The server's SQLSTATE, for errors the server reported (`57P01` for a shutdown, say).
    public let sqlState: String?
    /// The server's message, for errors the server reported.
    public let serverMessage: String?
    /// The network or TLS error beneath, if any.
    public let underlying: (any Error)?

    init(_ error: any Error) {
        if let error = error as? PSQLError {
            self.clientCode = "\(error.code)"
            self.sqlState = error.serverInfo?[.sqlState]
            self.serverMessage = error.serverInfo?[.message]
            self.underlying = error.underlying
        } else if let error = error as? PostgresTransactionError {
            let cause = error.beginError ?? error.closureError ?? error.commitError ?? error.rollbackError
            let inner = cause.map(PostgresFailure.init)
            self.clientCode = inner?.clientCode ?? "transaction"
            self.sqlState = inner?.sqlState
            self.serverMessage = inner?.serverMessage
            self.underlying = inner?.underlying
        } else {
            self.clientCode = "\(type(of: error))"
            self.sqlState = nil
            self.serverMessage = nil
            self.underlying = error
        }
    }

    /// The code, the SQLSTATE and the server's message.
    public var description: String {
        var text = "PostgreSQL \(self.clientCode)"
        if let sqlState = self.sqlState { text += " (SQLSTATE \(sqlState))" }
        if let message = self.serverMessage { text += ": \(message)" }
        if let underlying = self.underlying { text += " [\(underlying)]" }
        return text
    }
}
