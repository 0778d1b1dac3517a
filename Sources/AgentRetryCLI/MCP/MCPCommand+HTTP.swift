import AgentRetry
import ArgumentParser
import Foundation
import MCP

extension MCPCommand {
    /// The `--http` settings, `nil` to serve stdio.
    var httpConfiguration: MCPHTTPConfiguration? {
        guard let port = self.httpPort else { return nil }
        var configuration = MCPHTTPConfiguration()
        configuration.port = port
        if let host = self.httpHost { configuration.host = host }
        if let seconds = self.httpIdleTimeout { configuration.idleTimeout = .seconds(seconds) }
        if let limit = self.httpMaxConnections { configuration.maximumConnections = limit }
        return configuration
    }

    func validateHTTP() throws {
        guard let port = self.httpPort else {
            if self.httpHost != nil || self.httpIdleTimeout != nil || self.httpMaxConnections != nil {
                throw ValidationError("--http-host, --http-idle-timeout and --http-max-connections go with --http PORT")
            }
            return
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--http: a port from 0 to 65535") }
        if let host = self.httpHost, !LoopbackHTTPServer.isLoopback(host) {
            throw ValidationError(
                "--http-host: \(host) is not a loopback address; the server binds 127.0.0.0/8 or ::1 only"
            )
        }
        if let seconds = self.httpIdleTimeout, seconds < 1 {
            throw ValidationError("--http-idle-timeout must be at least 1")
        }
        if let limit = self.httpMaxConnections, !(1...65_535).contains(limit) {
            throw ValidationError("--http-max-connections must be from 1 to 65535")
        }
    }

    /// Serves Streamable HTTP until SIGTERM or SIGINT, then shuts down cleanly: no new connection or
    /// request, the requests in flight answered, the runs in flight finished, the sessions closed.
    static func serveHTTP(
        _ configuration: MCPHTTPConfiguration,
        service: MCPCheckoutService,
        makeServer: @escaping MCPHTTPSessions.MakeServer,
        serving: String
    ) async throws {
        let signals = ShutdownSignals(log: MCPLog.write)
        let server = try await LoopbackHTTPServer.bind(
            host: configuration.host,
            port: configuration.port,
            idleTimeout: configuration.idleTimeout,
            maximumConnections: configuration.maximumConnections
        )
        let sessions = MCPHTTPSessions(configuration: configuration, port: server.port, makeServer: makeServer)
        Self.announce(configuration, port: server.port)
        MCPLog.write("serving \(serving) on \(configuration.url(port: server.port))")
        let first = signals.first
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await server.run { await MCPHTTPConnection.serve($0, sessions: sessions) }
                return false
            }
            group.addTask {
                for await _ in first { return true }
                return false
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(30))
                    await sessions.expireIdle()
                }
                return false
            }
            // The first task to end is a signal's (or the listener's, which ends only on an error).
            let signalled = try await group.next() ?? false
            if signalled {
                MCPLog.write("shutting down: answering the calls in flight")
                await server.stopAccepting()
                await sessions.stopAccepting()
                await service.drain()
                await sessions.closeAll()
                await server.closeConnections()
                MCPLog.write("shut down")
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        withExtendedLifetime(signals) {}
    }

    /// Prints the bound endpoint as one JSON line on standard output, which `--http` leaves to this.
    static func announce(_ configuration: MCPHTTPConfiguration, port: Int) {
        let line: JSONValue = [
            "url": .string(configuration.url(port: port)), "host": .string(configuration.host),
            "port": .number(Double(port)),
        ]
        FileHandle.standardOutput.write(Data(line.serialized() + [UInt8(ascii: "\n")]))
    }
}
