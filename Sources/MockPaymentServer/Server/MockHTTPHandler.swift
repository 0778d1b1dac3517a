import AgentRetry
import Foundation
import NIOCore
import NIOHTTP1

/// One connection of the mock server: collects each request, asks the core what to answer, and
/// applies the fault rule that hits it.
final class MockHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let core: MockPaymentCore
    private let raw: RawSocketWriter
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    /// The `Request-Id` of the request being answered, echoed on its response. The pipelining
    /// handler lets one request at a time through, so it cannot be overwritten before the answer.
    private var requestID: String?
    /// Where the connection is in its exchange: what an idle timeout may close (see
    /// `MockHTTPHandler+Idle.swift`).
    private(set) var phase = ConnectionPhase.betweenRequests

    init(core: MockPaymentCore, raw: RawSocketWriter) {
        self.core = core
        self.raw = raw
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.phase = .receiving
            self.body = []
            self.bodyTooLarge = false
        case .body(let chunk):
            guard !self.bodyTooLarge else { return }
            if self.body.count + chunk.readableBytes > self.core.configuration.maximumRequestBodySize {
                self.bodyTooLarge = true
                self.body = []
            } else {
                self.body.append(contentsOf: chunk.readableBytesView)
            }
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            self.phase = .answering
            self.handle(context: context, request: Self.request(head, body: self.body), head: head)
        }
    }

    /// A request that cannot be parsed: the protocol error handler before this one has answered
    /// 400; the connection cannot be trusted any more, so it is closed.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private static func request(_ head: HTTPRequestHead, body: [UInt8]) -> MockRequest {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = keyValue.count == 2 ? String(keyValue[1]).removingPercentEncodingLeniently : ""
                query[String(keyValue[0])] = value
            }
        }
        return MockRequest(
            method: head.method.rawValue,
            path: String(parts[0]),
            query: query,
            headers: head.headers.map { (name: $0.name.lowercased(), value: $0.value) },
            body: body
        )
    }

    private func handle(context: ChannelHandlerContext, request: MockRequest, head: HTTPRequestHead) {
        self.requestID = request.header("request-id")
        let family = RouteFamily(path: request.path)
        let isHTTP10 = head.version.major == 1 && head.version.minor == 0
        let port = context.channel.localAddress?.port ?? 0
        if let refusal = self.core.requestGuard.refusal(request, family: family, isHTTP10: isHTTP10, localPort: port) {
            self.write(refusal, context: context, head: head, closeAfter: self.bodyTooLarge)
            return
        }
        if self.bodyTooLarge {
            let limit = self.core.configuration.maximumRequestBodySize
            self.write(
                family.error(413, code: "request_too_large", message: "The request body is larger than \(limit) bytes"),
                context: context,
                head: head,
                closeAfter: true
            )
            return
        }
        if family == .admin {
            self.write(self.core.admin(request), context: context, head: head)
            return
        }
        if family == .mcp {
            self.handleMCP(request, context: context, head: head)
            return
        }
        let fault = self.core.faults.decide(method: request.method, path: request.path)
        let entry = JournalEntry(
            method: request.method,
            path: request.path,
            idempotencyKey: request.header("idempotency-key"),
            fault: fault?.action.name,
            status: nil,
            replayed: false
        )
        self.perform(request, fault: fault, entry: entry, envelope: nil, context: context, head: head) {
            self.core.prepare(request)
        }
    }

    /// Answers `request` as `prepare` says, with the fault rule that hit it (if any). The journal
    /// keeps the REST status; a tool call of the MCP binding is answered through its `envelope`.
    func perform(
        _ request: MockRequest,
        fault: FaultRule?,
        entry: JournalEntry,
        envelope: MCPToolEnvelope?,
        context: ChannelHandlerContext,
        head: HTTPRequestHead,
        prepare: () -> PreparedResponse
    ) {
        var entry = entry
        let family = RouteFamily(path: request.path)
        switch fault?.action {
        case .resetBeforeCommit?:
            self.core.record(entry)
            context.close(promise: nil)
            return
        case .garbage?:
            self.core.record(entry)
            self.raw.writeAndClose(ByteBuffer(string: "\u{1}\u{2}GARBAGE\u{0}\u{ff}not http at all\r\n\r\n"))
            return
        case .statusBefore(let status, let retryAfter)?:
            var response = family.injected(status: status)
            if let retryAfter { response = response.with(header: "Retry-After", retryAfter) }
            entry.status = status
            self.core.record(entry)
            self.write(response, envelope: envelope, context: context, head: head)
            return
        default:
            break
        }
        if case .latency(let milliseconds)? = fault?.action {
            // The key is claimed first, so the wait is part of processing: a concurrent request
            // with the same key sees it in flight.
            let prepared = prepare()
            let pending = entry
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                let (handler, context) = bound.value
                let (response, replayed) =
                    switch prepared {
                    case .respond(let response, let replayed): (response, replayed)
                    case .process(let process): (process(nil), false)
                    }
                var finished = pending
                finished.status = response.status
                finished.replayed = replayed
                handler.core.record(finished)
                handler.write(response, envelope: envelope, context: context, head: head)
            }
            return
        }
        var answerInstead: MockResponse?
        if case .statusAfterCommit(let status)? = fault?.action {
            answerInstead = family.injected(status: status)
        }
        let answer = Answer(fault: fault?.action, envelope: envelope, head: head)
        switch prepare() {
        case .respond(let response, let replayed):
            entry.replayed = replayed
            self.deliver(response, answer, entry: entry, context: context)
        case .process(let process):
            self.deliver(process(answerInstead), answer, entry: entry, context: context)
        }
    }

    /// How a processed request is answered: its post-commit fault, its envelope, its head.
    struct Answer {
        let fault: FaultRule.Action?
        let envelope: MCPToolEnvelope?
        let head: HTTPRequestHead
    }

    /// Sends the response the way the post-commit fault (if any) says.
    private func deliver(
        _ response: MockResponse,
        _ answer: Answer,
        entry: JournalEntry,
        context: ChannelHandlerContext
    ) {
        var entry = entry
        let family = RouteFamily(path: entry.path)
        let head = answer.head
        let envelope = answer.envelope
        switch answer.fault {
        case .dropAfterCommit?:
            self.core.record(entry)
            context.close(promise: nil)
        case .stallAfterCommit(let milliseconds)?:
            entry.status = response.status
            self.core.record(entry)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                let (handler, context) = bound.value
                handler.write(response, envelope: envelope, context: context, head: head)
            }
        case .statusAfterCommit(let status)?:
            entry.status = status
            self.core.record(entry)
            // A replay answers with the saved response; a processed request already carries the status.
            self.write(
                response.status == status ? response : family.injected(status: status),
                envelope: envelope,
                context: context,
                head: head
            )
        case .truncateBody?:
            entry.status = response.status
            self.core.record(entry)
            let response = envelope?.wrap(response) ?? response
            var headers = self.headers(of: response)
            headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
            let status = HTTPResponseStatus(statusCode: response.status)
            context.write(
                self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                promise: nil
            )
            let half = ByteBuffer(bytes: response.body.prefix(response.body.count / 2))
            let channel = context.channel
            context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(half)))).whenComplete { _ in
                channel.close(promise: nil)
            }
        default:
            entry.status = response.status
            self.core.record(entry)
            self.write(response, envelope: envelope, context: context, head: head)
        }
    }

    /// Writes `response`, through the tool call's envelope when there is one.
    private func write(
        _ response: MockResponse,
        envelope: MCPToolEnvelope?,
        context: ChannelHandlerContext,
        head: HTTPRequestHead
    ) {
        self.write(envelope?.wrap(response) ?? response, context: context, head: head)
    }

    private func headers(of response: MockResponse) -> NIOHTTP1.HTTPHeaders {
        var headers = NIOHTTP1.HTTPHeaders()
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        if let requestID = self.requestID { headers.replaceOrAdd(name: "Request-Id", value: requestID) }
        return headers
    }

    func write(
        _ response: MockResponse,
        context: ChannelHandlerContext,
        head: HTTPRequestHead,
        closeAfter: Bool = false
    ) {
        self.phase = .betweenRequests
        var headers = self.headers(of: response)
        headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        let close = closeAfter || !head.isKeepAlive
        if close { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil
        )
        context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        let channel = context.channel
        done.whenComplete { result in
            if close || (try? result.get()) == nil { channel.close(promise: nil) }
        }
    }
}

extension String {
    /// Percent-decoding with `+` as space; undecodable input is kept as it is.
    var removingPercentEncodingLeniently: String {
        let spaced = self.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
