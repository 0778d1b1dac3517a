import NIOCore

/// Sits next to the socket and writes bytes past the HTTP encoder: how the `garbage` fault sends
/// something that is not HTTP.
final class RawSocketWriter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes the bytes as they are and closes the connection.
    func writeAndClose(_ bytes: ByteBuffer) {
        guard let context = self.context else { return }
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
    }
}
