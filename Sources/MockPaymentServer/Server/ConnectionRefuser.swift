import AgentRetry
import NIOCore
import NIOHTTP1

/// A connection over ``MockPaymentServer/Configuration/maximumConnections``: its first request is
/// read to its end (so that closing sends no reset that could destroy the answer) and answered
/// 503 `too_many_connections` with `Retry-After: 1` and `Connection: close`, in its route
/// family's error shape; then the connection is closed. It is never routed, faulted or journaled.
/// One that sends no whole request within ``grace`` is closed unanswered; so is every one past
/// ``ConnectionTracker/refusalLimit``, at once.
final class ConnectionRefuser: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The longest a refused connection is kept, unless the idle timeout is shorter.
    static let grace = TimeAmount.seconds(5)

    private let limit: Int
    private let answers: Bool
    private let grace: TimeAmount
    private var head: HTTPRequestHead?
    private var answered = false

    init(configuration: MockPaymentServer.Configuration, answers: Bool) {
        self.limit = configuration.maximumConnections
        self.answers = answers
        self.grace = configuration.idleTimeout.map { min(TimeAmount($0), Self.grace) } ?? Self.grace
    }

    func channelActive(context: ChannelHandlerContext) {
        guard self.answers else {
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        context.eventLoop.scheduleTask(in: self.grace) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A dropped connection has no HTTP decoder: whatever comes before the close is ignored.
        guard self.answers else { return }
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = self.head ?? head
        case .body:
            break
        case .end:
            guard let head = self.head, !self.answered else { return }
            self.answered = true
            self.answer(head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        let response = RouteFamily(path: path).refusal(
            503,
            code: "too_many_connections",
            message: "The server serves at most \(self.limit) connections at once; retry when one has closed"
        )
        var headers = NIOHTTP1.HTTPHeaders()
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        headers.replaceOrAdd(name: "Retry-After", value: "1")
        headers.replaceOrAdd(name: "Connection", value: "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
        context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
