import NIOCore
import NIOHTTP1

/// Closes a connection that is idle: no request in progress (read to its end, and its response
/// not ended) when the `IdleStateHandler` before it reports that nothing was read for the idle
/// timeout. A connection waiting for a long tool call, or holding an SSE stream open, is not idle;
/// one that stalls in the middle of its request head or body is.
final class IdleConnectionCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Requests read to their end whose response has not ended.
    private var inProgress = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = self.unwrapInboundIn(data) { self.inProgress += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) { self.inProgress = max(0, self.inProgress - 1) }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IdleStateHandler.IdleStateEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if self.inProgress == 0 { context.close(promise: nil) }
    }
}
