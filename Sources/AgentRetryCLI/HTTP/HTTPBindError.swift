/// `agent-retry mcp --http` or `webhooks listen` could not listen where it was asked (the port is taken, the address
/// is not on this machine): the command exits 1 with this message.
struct HTTPBindError: Error, CustomStringConvertible {
    /// Where it tried to listen, `HOST:PORT`.
    let address: String
    /// What the socket layer answered.
    let underlying: any Error

    var description: String { "cannot listen on \(self.address): \(self.underlying)" }
}
