import Logging

/// An asynchronous HTTP client over libcurl: the only way AgentRetry talks to a payment server.
///
/// All requests of a transport share one libcurl multi handle, driven by one dedicated thread, and
/// so one connection cache: kept-alive connections are reused, HTTP/2 is negotiated over TLS when the
/// server offers it. No thread of Swift's cooperative pool ever blocks on libcurl.
///
/// Every failure is an ``HTTPTransportError`` that says whether the request can have reached the
/// server (``FailureClass``) and how many times it went on the wire.
///
/// ```swift
/// try await HTTPTransport.withTransport { transport in
///     var request = HTTPRequest(method: .post, url: "https://api.example.com/v1/payment_intents", body: "amount=500")
///     request.headers.add(name: "Idempotency-Key", value: key)
///     let response = try await transport.execute(request)
///     print(response.status, response.wireSends)
/// }
/// ```
///
/// Call ``shutdown()`` when done (``withTransport(configuration:backgroundLogger:isolation:_:)`` does it
/// for you); a transport that is released without it stops its thread on its own.
public final class HTTPTransport: HTTPClientTransport {
    /// The configuration the transport was created with.
    public let configuration: Configuration
    private let loop: CurlMultiLoop
    private let backgroundLogger: Logger
    private let counters: TransportCounters
    private let handles: CurlEasyHandlePool

    /// Creates a transport and starts its libcurl thread.
    /// - Parameters:
    ///   - configuration: Timeouts, TLS, pool limits and re-send policy. Defaults to `Configuration()`:
    ///     every setting of ``Configuration-swift.struct`` at its default.
    ///   - backgroundLogger: Where requests are logged when ``execute(_:logger:)`` gets no logger.
    ///     Defaults to a logger that discards everything.
    public init(configuration: Configuration = Configuration(), backgroundLogger: Logger? = nil) {
        self.configuration = configuration
        self.loop = CurlMultiLoop(pool: configuration.connectionPool)
        self.backgroundLogger =
            backgroundLogger ?? Logger(label: "agentretry.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        self.counters = TransportCounters()
        self.handles = CurlEasyHandlePool(configuration: configuration, capacity: 64)
    }

    deinit {
        self.loop.requestStop()
    }

    /// The libcurl the transport runs on, as `curl_version()` reports it.
    public static var libcurlVersion: String { CurlGlobal.version }

    /// Sends a request and returns the complete response, whatever its status.
    ///
    /// Cancelling the calling task aborts the transfer at once and throws
    /// ``HTTPTransportError/Code-swift.struct/cancelled``, classed by how far the request had got.
    /// - Parameters:
    ///   - request: The request. Its headers are checked before anything is sent.
    ///   - logger: Where to log the exchange; URL, status, sends and timings only, never a header
    ///     value or a body. Defaults to the transport's background logger.
    /// - Returns: The response.
    /// - Throws: ``HTTPTransportError``.
    public func execute(_ request: HTTPRequest, logger: Logger? = nil) async throws(HTTPTransportError) -> HTTPResponse
    {
        let logger = logger ?? self.backgroundLogger
        if let problem = request.validationProblem() {
            throw self.refused(request, problem.code, problem.message, logger: logger)
        }
        let easy: CurlEasyHandle
        do {
            easy = try self.handles.take()
        } catch {
            throw self.refused(
                request,
                .curl(error.code),
                "libcurl could not set up a handle: \(error.code)",
                logger: logger
            )
        }
        let options = TransferOptions(configuration: self.configuration, request: request)
        let transfer = CurlTransfer(id: self.loop.nextTransferID(), request: request, options: options, easy: easy)
        let setup = easy.configure(
            for: request,
            timeout: options.timeout,
            userAgent: options.userAgent,
            multiplexes: self.configuration.httpVersion == .automatic,
            transfer: transfer
        )
        let ending = setup == .ok ? await self.run(transfer) : .refused(setup)
        let outcome = transfer.outcome(of: ending)
        self.handles.recycle(easy)
        switch outcome {
        case .success(let response):
            self.counters.record(response)
            logger.debug(
                "HTTP exchange",
                metadata: [
                    "http.method": "\(request.method)",
                    "http.url": "\(RedactedURL.removingCredentials(from: request.url))",
                    "http.status": "\(response.status)", "http.wire_sends": "\(response.wireSends)",
                    "http.total_ms": "\(response.metrics.totalTime.clampedMilliseconds)",
                ]
            )
            return response
        case .failure(let error):
            self.counters.record(error)
            logger.debug(
                "HTTP failure",
                metadata: [
                    "http.method": "\(error.method)", "http.url": "\(error.url)", "error.code": "\(error.code)",
                    "error.class": "\(error.failureClass)", "http.wire_sends": "\(error.wireSends)",
                    "error.message": "\(error.message)",
                ]
            )
            throw error
        }
    }

    /// Hands the transfer to the loop thread and waits for it to end; cancelling the task aborts it.
    private func run(_ transfer: CurlTransfer) async -> CurlTransfer.Ending {
        let ticket = TransferTicket(id: transfer.id)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CurlTransfer.Ending, Never>) in
                guard ticket.handOver() else {
                    continuation.resume(
                        returning: .interrupted(.cancelled, message: "the calling task was cancelled before sending")
                    )
                    return
                }
                self.loop.submit(CurlMultiLoop.Job(transfer: transfer, ticket: ticket, continuation: continuation))
            }
        } onCancel: {
            if ticket.cancel() { self.loop.cancel(ticket.id) }
        }
    }

    /// Stops the libcurl thread once unfinished requests have failed with
    /// ``HTTPTransportError/Code-swift.struct/transportShutDown``. Later requests fail the same way, unsent.
    public func shutdown() async {
        await self.loop.stop()
    }

    /// Runs `body` with a new transport and shuts it down afterwards, whether `body` throws or not.
    public static func withTransport<Result>(
        configuration: Configuration = Configuration(),
        backgroundLogger: Logger? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (HTTPTransport) async throws -> Result
    ) async throws -> Result {
        let transport = HTTPTransport(configuration: configuration, backgroundLogger: backgroundLogger)
        do {
            let result = try await body(transport)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    private func refused(
        _ request: HTTPRequest,
        _ code: HTTPTransportError.Code,
        _ message: String,
        logger: Logger
    )
        -> HTTPTransportError
    {
        let error = HTTPTransportError(
            code: code,
            failureClass: .notSent,
            message: message,
            method: request.method,
            url: request.url
        )
        self.counters.record(error)
        logger.debug("HTTP request refused before sending", metadata: ["error.message": "\(message)"])
        return error
    }
}
