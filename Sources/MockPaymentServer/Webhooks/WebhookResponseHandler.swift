import NIOCore
import NIOHTTP1

/// Reads the one response of a webhook POST: completes the promise with its status once the
/// response ends, or fails it when the connection closes first.
final class WebhookResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<Int>
    private var status: Int?
    private var done = false

    init(promise: EventLoopPromise<Int>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = Int(head.status.code)
        case .body:
            break
        case .end:
            self.finish(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(context: context)
        context.close(promise: nil)
    }

    private func finish(context: ChannelHandlerContext) {
        guard !self.done else { return }
        self.done = true
        if let status = self.status {
            self.promise.succeed(status)
        } else {
            self.promise.fail(WebhookHTTPClient.Failure(code: .noResponse))
        }
        context.close(promise: nil)
    }
}
