import AgentRetry
import AgentRetryTesting
import Testing

/// Runs `body` with a fresh server on 127.0.0.1:0 and a fresh transport, and shuts both down.
func withServerAndTransport<Result>(
    configuration: HTTPTransport.Configuration = HTTPTransport.Configuration(),
    _ body: (FaultyHTTPServer, HTTPTransport) async throws -> Result
) async throws -> Result {
    let server = try await FaultyHTTPServer.start()
    let transport = HTTPTransport(configuration: configuration)
    do {
        let result = try await body(server, transport)
        await transport.shutdown()
        try await server.shutdown()
        return result
    } catch {
        await transport.shutdown()
        try await server.shutdown()
        throw error
    }
}

/// Runs `operation`, which must throw an ``HTTPTransportError``, and returns that error.
func transportError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> HTTPResponse
) async throws -> HTTPTransportError {
    do {
        let response = try await operation()
        Issue.record("expected a transport error, got status \(response.status)", sourceLocation: sourceLocation)
        throw ExpectedFailureMissing()
    } catch let error as HTTPTransportError {
        return error
    }
}

struct ExpectedFailureMissing: Error {}

/// Polls `condition` every 5 ms for up to `timeout`.
func waitUntil(timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            return
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
